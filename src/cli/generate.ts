import type { Command } from 'commander';
import kleur from 'kleur';
import { ExitCode, InputError } from '../errors.js';
import { drifts, readGenerated, writes, type Change } from '../generator/commit.js';
import { commitChanges } from '../generator/journal.js';
import type { Strategy } from '../generator/merge.js';
import { regenerate } from '../generator/regenerate.js';
import { parseManifest } from '../generator/manifest.js';
import { readProjectManifestText } from '../manifest/load.js';
import { withSchemaModeline } from '../manifest/modeline.js';
import { join } from 'node:path';
import { changeSummary, getProjectRegistry, json, out, printChanges, recoverProject } from './shared.js';
import { addLocalSecrets, reportSecrets } from './tasks.js';

export function parseStrategy(value: string | undefined): Strategy {
  if (value === undefined) return 'markers';
  if (value === 'ours' || value === 'theirs') return value;
  throw new InputError('bad-strategy', `--strategy must be ours or theirs, not '${value}'`);
}

/** Prints the changes, commits them unless dry, and returns the exit code: 1 when conflicts were written. */
export async function applyChanges(dir: string, changes: Change[], dryRun: boolean): Promise<number> {
  await printChanges(changes, dryRun);
  if (dryRun) {
    out('\nDry run: no changes were made.');
    return ExitCode.ok;
  }
  commitChanges(dir, changes);
  const written = changes.filter(writes).length;
  const conflicts = changes.filter((c) => c.kind === 'conflict' || c.kind === 'keep-unresolved');
  out(written ? kleur.green(`${written} file(s) written; previous versions saved in .forge/previous/`) : 'up to date: nothing to write');
  const kept = changes.filter((c) => c.kind === 'keep-deleted');
  if (kept.length) out(kleur.dim(`${kept.length} file(s) you deleted stay deleted`));
  if (!conflicts.length) return ExitCode.ok;
  out(kleur.red(`\n${conflicts.length} file(s) with conflict markers (<<<<<<< yours / >>>>>>> forge): resolve them, or rerun with --strategy ours|theirs`));
  for (const c of conflicts) out(`  ${c.path}`);
  return ExitCode.drift;
}

export function registerGenerate(program: Command, setCode: (c: number) => void): void {
  program
    .command('generate')
    .description('regenerate the project from its forge.yaml; your edits are merged, never dropped')
    .option('--dir <dir>', 'project directory', '.')
    .option('--dry-run', 'show each change as a diff; write nothing')
    .option('--strategy <side>', 'settle overlapping edits without markers: ours (yours) or theirs (forge)')
    .action(async (opts: { dir: string; dryRun?: boolean; strategy?: string }) => {
      const strategy = parseStrategy(opts.strategy);
      recoverProject(opts.dir);
      const previousExample = readGenerated(opts.dir)['.env.example'];
      // A project made before forge kept a schema gets forge.yaml's modeline now, in the same commit; problems
      // are reported against the file as it is, before the line is added.
      const text = readProjectManifestText(opts.dir);
      const registry = await getProjectRegistry(opts.dir, text);
      parseManifest(text, registry, join(opts.dir, 'forge.yaml'));
      const manifestText = withSchemaModeline(text);
      const { changes, generated } = await regenerate(opts.dir, registry, { strategy, manifestText });
      const modeline: Change[] = manifestText === text ? [] : [{ kind: 'update', path: 'forge.yaml', before: text, after: manifestText }];
      setCode(await applyChanges(opts.dir, [...changes, ...modeline], Boolean(opts.dryRun)));
      if (!opts.dryRun) reportSecrets(addLocalSecrets(opts.dir, generated.plan, previousExample));
    });
}

export function registerCheck(program: Command, setCode: (c: number) => void): void {
  program
    .command('check')
    .description('exit 1 and list the files when regenerating would change the project (for CI)')
    .option('--dir <dir>', 'project directory', '.')
    .option('--json', 'machine-readable output')
    .action(async (opts: { dir: string; json?: boolean }) => {
      recoverProject(opts.dir);
      const { changes } = await regenerate(opts.dir, await getProjectRegistry(opts.dir, readProjectManifestText(opts.dir)));
      const drift = changes.filter(drifts);
      if (opts.json) json({ upToDate: drift.length === 0, changes: changeSummary(drift) });
      else if (drift.length === 0) out('up to date');
      else {
        // A deletion not yet recorded is why the lock would change: show it beside the drift.
        await printChanges(changes.filter((c) => drifts(c) || c.kind === 'keep-deleted'), false);
        out(`\n${drift.length} file(s) differ from what forge generate would write; run \`forge generate\`.`);
      }
      setCode(drift.length ? ExitCode.drift : ExitCode.ok);
    });
}
