import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifestText } from '../manifest/load.js';
import type { Command } from 'commander';
import { manifestSchema } from '../generator/manifest-schema.js';
import { getProjectRegistry, getRegistry, out } from './shared.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description("print the JSON Schema of forge.yaml (every module's config included) for editors and validators")
    .option('--out <file>', 'write it to a file instead')
    .option('--dir <dir>', "a project whose forge.yaml names modules of its own: they are in the schema too", '.')
    .action(async (opts: { out?: string; dir: string }) => {
      const manifest = join(opts.dir, 'forge.yaml');
      const registry = existsSync(manifest) ? await getProjectRegistry(opts.dir, readManifestText(manifest)) : await getRegistry();
      const text = manifestSchema(registry);
      if (opts.out === undefined) return void process.stdout.write(text);
      writeFileSync(opts.out, text);
      out(`wrote ${opts.out}`);
    });
}
