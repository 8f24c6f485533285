import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import kleur from 'kleur';
import { ExitCode } from '../errors.js';
import { commitChanges, planChanges, readLock, writes } from '../generator/commit.js';
import { generate } from '../generator/pipeline.js';
import { readManifest } from '../manifest/load.js';
import { changeSummary, getRegistry, json, out, printChanges } from './shared.js';

/** Regenerates the project in `dir` in memory and lists what committing it would change. */
async function regenerate(dir: string) {
  const registry = await getRegistry();
  const manifestPath = join(dir, 'forge.yaml');
  const manifest = readManifest(manifestPath, registry);
  const readExisting = (path: string) => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined);
  const generated = await generate(manifest, readFileSync(manifestPath, 'utf8'), registry, { readExisting });
  return planChanges(dir, generated.tree, readLock(dir), generated.mergedFromDisk);
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('regenerate the project in the current directory from its forge.yaml; your edits are kept')
    .option('--dir <dir>', 'project directory', '.')
    .option('--dry-run', 'show each change as a diff; write nothing')
    .action(async (opts: { dir: string; dryRun?: boolean }) => {
      const changes = await regenerate(opts.dir);
      printChanges(changes, Boolean(opts.dryRun));
      if (opts.dryRun) return out('\nDry run: no changes were made.');
      commitChanges(opts.dir, changes);
      const written = changes.filter(writes).length;
      out(written ? kleur.green(`${written} file(s) written`) : 'up to date: nothing to write');
    });
}

export function registerCheck(program: Command, setCode: (c: number) => void): void {
  program
    .command('check')
    .description('exit 1 and list the files when regenerating would change the project (for CI)')
    .option('--dir <dir>', 'project directory', '.')
    .option('--json', 'machine-readable output')
    .action(async (opts: { dir: string; json?: boolean }) => {
      const drift = (await regenerate(opts.dir)).filter(writes);
      if (opts.json) json({ upToDate: drift.length === 0, changes: changeSummary(drift) });
      else if (drift.length === 0) out('up to date');
      else {
        printChanges(drift, false);
        out(`\n${drift.length} file(s) differ from what forge generate would write; run \`forge generate\`.`);
      }
      setCode(drift.length ? ExitCode.drift : ExitCode.ok);
    });
}
