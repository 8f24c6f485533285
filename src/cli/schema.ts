import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { manifestSchema } from '../generator/manifest-schema.js';
import { getRegistry, out } from './shared.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description("print the JSON Schema of forge.yaml (every module's config included) for editors and validators")
    .option('--out <file>', 'write it to a file instead')
    .action(async (opts: { out?: string }) => {
      const text = manifestSchema(await getRegistry());
      if (opts.out === undefined) return void process.stdout.write(text);
      writeFileSync(opts.out, text);
      out(`wrote ${opts.out}`);
    });
}
