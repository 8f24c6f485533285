import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import type { Command } from 'commander';
import kleur from 'kleur';
import { InputError } from '../errors.js';
import { importedSpecifiers, inside, readGenerated, type Change } from '../generator/commit.js';
import { regenerate } from '../generator/regenerate.js';
import { resolve } from '../generator/resolve.js';
import { parseManifest } from '../generator/manifest.js';
import { readProjectManifestText } from '../manifest/load.js';
import { addModules, parseConfigFlags, removeModule } from '../manifest/edit.js';
import { withSchemaModeline } from '../manifest/modeline.js';
import { applyChanges, parseStrategy } from './generate.js';
import { getProjectRegistry, out, recoverProject } from './shared.js';
import type { Registry } from '../generator/registry.js';
import { addLocalSecrets, npmInstall, reportSecrets } from './tasks.js';

interface EditOptions {
  dir: string;
  config: string[];
  skipInstall?: boolean;
  dryRun?: boolean;
  strategy?: string;
}

/** The manifest edit and the regeneration land together: forge.yaml is one more file of the same commit. */
async function editAndRegenerate(opts: EditOptions, registry: Registry, edited: string, setCode: (c: number) => void) {
  const newText = withSchemaModeline(edited);
  const previousExample = readGenerated(opts.dir)['.env.example'];
  const { changes, generated } = await regenerate(opts.dir, registry, { manifestText: newText, strategy: parseStrategy(opts.strategy) });
  const before = readProjectManifestText(opts.dir);
  const manifest: Change[] = before === newText ? [] : [{ kind: 'update', path: 'forge.yaml', before, after: newText }];
  const code = await applyChanges(opts.dir, [...changes, ...manifest], Boolean(opts.dryRun));
  if (!opts.dryRun) reportSecrets(addLocalSecrets(opts.dir, generated.plan, previousExample));
  setCode(code);
  return changes;
}

/** The bare imports of kept files that the project's package.json (as just written) does not list. */
function packagesNotListed(dir: string, kept: Change[]): { path: string; name: string }[] {
  const pkg = JSON.parse(readFileSync(inside(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const listed = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  return kept.flatMap((c) =>
    [...new Set(importedSpecifiers(c.before ?? '').filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s)))]
      .map((s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/'))
      .filter((name) => !listed.has(name))
      .map((name) => ({ path: c.path, name })),
  );
}

export function registerAddModule(program: Command, setCode: (c: number) => void): void {
  program
    .command('add-module <names...>')
    .description('add modules to forge.yaml (dependencies come along) and regenerate the project')
    .option('--dir <dir>', 'project directory', '.')
    .option('--config <key=value>', 'a config value; module.key=value when adding several', (v: string, all: string[]) => [...all, v], [])
    .option('--skip-install', 'do not run npm install')
    .option('--dry-run', 'show what would change; write nothing')
    .option('--strategy <side>', 'settle overlapping edits: ours or theirs')
    .action(async (names: string[], opts: EditOptions) => {
      recoverProject(opts.dir);
      const manifestPath = join(opts.dir, 'forge.yaml');
      const text = readProjectManifestText(opts.dir);
      const registry = await getProjectRegistry(opts.dir, text);
      const before = resolve(parseManifest(text, registry, manifestPath), registry).modules.map((m) => m.descriptor.name);
      const edited = addModules(text, names, parseConfigFlags(opts.config, names));
      for (const name of edited.present) out(kleur.dim(`${name} is already in forge.yaml`));
      const plan = resolve(parseManifest(edited.text, registry, manifestPath), registry);
      for (const m of plan.modules) {
        if (m.reason.kind === 'dependency' && !before.includes(m.descriptor.name)) out(`added ${m.descriptor.name}: needed by ${m.reason.of}`);
      }
      const changes = await editAndRegenerate(opts, registry, edited.text, setCode);
      if (opts.dryRun) return;
      if (!opts.skipInstall) await npmInstall(opts.dir);
      const migrations = changes.filter((c) => c.kind === 'create' && /\/migrations\/[^/]+\.ts$/.test(c.path)).map((c) => c.path);
      if (migrations.length) out(`\nNew migrations:\n${migrations.map((m) => `  ${m}`).join('\n')}\nRun them with: npm run migration:run`);
    });
}

export function registerRemoveModule(program: Command, setCode: (c: number) => void): void {
  program
    .command('remove-module <name>')
    .description('remove a module from forge.yaml and the project; its tables and edited files stay')
    .option('--dir <dir>', 'project directory', '.')
    .option('--skip-install', 'do not run npm install')
    .option('--dry-run', 'show what would change; write nothing')
    .option('--strategy <side>', 'settle overlapping edits: ours or theirs')
    .action(async (name: string, opts: EditOptions) => {
      recoverProject(opts.dir);
      const manifestPath = join(opts.dir, 'forge.yaml');
      const text = readProjectManifestText(opts.dir);
      const registry = await getProjectRegistry(opts.dir, text);
      const edited = removeModule(text, name);
      if (edited === undefined) throw new InputError('not-selected', `${name} is not listed in ${manifestPath}`);
      const plan = resolve(parseManifest(edited, registry, manifestPath), registry);
      const still = plan.modules.find((m) => m.descriptor.name === name);
      if (still) {
        const dependents = plan.modules.filter((m) => m.descriptor.dependsOn.includes(name)).map((m) => m.descriptor.name);
        throw new InputError(
          'still-needed',
          still.reason.kind === 'always' ? `${name} is part of every app and cannot be removed` : `${name} is needed by ${dependents.join(', ')}; remove ${dependents.length > 1 ? 'them' : 'it'} first`,
        );
      }
      const changes = await editAndRegenerate({ ...opts, config: [] }, registry, edited, setCode);
      if (opts.dryRun) return;
      if (!opts.skipInstall) await npmInstall(opts.dir);
      const kept = changes.filter((c) => c.kind === 'keep-orphan').map((c) => c.path);
      const imported = changes.filter((c) => c.kind === 'keep-imported').map((c) => c.path);
      if (kept.length) out(`\nYou edited these files of ${name}; they were left in place:\n${kept.map((k) => `  ${k}`).join('\n')}`);
      if (imported.length) {
        out(`These untouched files of ${name} stay because the files above import them; delete them with yours:\n${imported.map((k) => `  ${k}`).join('\n')}`);
      }
      const unlisted = packagesNotListed(opts.dir, changes.filter((c) => c.kind === 'keep-orphan' || c.kind === 'keep-imported'));
      if (unlisted.length) {
        out(`These kept files import packages package.json no longer lists; install them (npm install ${[...new Set(unlisted.map((u) => u.name))].join(' ')}) or delete the files:`);
        for (const u of unlisted) out(`  ${u.path}: ${u.name}`);
      }
      const tables = registry.get(name)?.descriptor.tables;
      if (tables?.length === 0) out(`\n${name} kept no data of its own in the database.`);
      else {
        out(
          `\nforge never drops data: ${tables ? `the tables ${tables.join(', ')} stay` : `the tables of ${name} stay`} in your database. ` +
            'Write a migration of your own if you want them gone.',
        );
      }
    });
}
