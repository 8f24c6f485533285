import { readFileSync } from 'node:fs';
import { basename, dirname, join, posix, resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import kleur from 'kleur';
import { Document } from 'yaml';
import { InputError } from '../errors.js';
import { isEmptyDir } from '../generator/commit.js';
import { createProject } from '../generator/pipeline.js';
import { parseManifest } from '../generator/manifest.js';
import { readManifestText } from '../manifest/load.js';
import { withSchemaModeline } from '../manifest/modeline.js';
import { appName } from '../manifest/schema.js';
import type { ModuleSource } from '../manifest/schema.js';
import { filesUnder } from '../generator/outside/check-descriptor.js';
import { getProjectRegistry, getRegistry, out } from './shared.js';
import { gitInit, npmInstall, writeLocalEnv } from './tasks.js';

interface NewOptions {
  manifest?: string;
  modules?: string;
  database?: 'sqlite' | 'postgres';
  yes?: boolean;
  force?: boolean;
  skipInstall?: boolean;
  skipGit?: boolean;
  dryRun?: boolean;
}

/** The manifest a user asked for with flags or prompts, as YAML text with a comment that says what it is. */
function manifestText(name: string, database: string, modules: string[]): string {
  const doc = new Document({ name, description: '', database, modules: modules.map((m) => ({ name: m })) });
  doc.commentBefore = ' The manifest this app is generated from. Edit it, then run `forge generate`.';
  return withSchemaModeline(doc.toString());
}

/** The files of the module folders a manifest names (`module_sources: - path:`), to copy into the new project. */
function moduleFolderFiles(manifestDir: string, sources: ModuleSource[]): [string, string][] {
  return sources.flatMap(({ path }) =>
    path === undefined
      ? []
      : filesUnder(resolvePath(manifestDir, path))
          .filter((file) => !file.startsWith('node_modules/'))
          .map((file): [string, string] => [posix.join(path, file), readFileSync(join(manifestDir, path, file), 'utf8')]),
  );
}

async function ask(defaultName: string): Promise<{ name: string; database: string; modules: string[] }> {
  const registry = await getRegistry();
  const always = [...registry.values()].filter((m) => m.descriptor.alwaysIncluded).map((m) => m.descriptor.name);
  const choices = [...registry.values()]
    .filter((m) => !m.descriptor.alwaysIncluded)
    .map(({ descriptor: d }) => ({
      title: d.name,
      description: d.status === 'implemented' ? d.summary : `${d.summary} (planned)`,
      value: d.name,
      disabled: d.status !== 'implemented',
    }));
  // Loaded only in a terminal that asks: ~30 ms that a scripted `forge new` does not pay.
  const { default: prompts } = await import('prompts');
  const answers = (await prompts(
    [
      { type: 'text', name: 'name', message: 'Project name', initial: defaultName, validate: (v: string) => appName.safeParse(v).success || 'lower-case npm name' },
      {
        type: 'select',
        name: 'database',
        message: 'Database',
        choices: [
          { title: 'SQLite', description: 'one file on a volume, one app replica; nothing to run beside the app', value: 'sqlite' },
          { title: 'PostgreSQL', description: 'a PostgreSQL service in docker-compose, any number of app replicas', value: 'postgres' },
        ],
      },
      { type: 'multiselect', name: 'modules', message: `Modules (${always.join(', ')} always included)`, choices, instructions: false },
    ],
    { onCancel: () => { throw new InputError('cancelled', 'cancelled'); } },
  )) as { name: string; database: string; modules: string[] };
  return answers;
}

export function registerNew(program: Command, setCode: (c: number) => void): void {
  program
    .command('new [dir]')
    .description('generate a new project from a manifest, a module list, or answers to prompts')
    .option('--manifest <file>', 'forge.yaml to generate from')
    .option('--modules <list>', 'comma-separated modules (dependencies are added)')
    .option('--database <db>', 'sqlite or postgres, with --modules', 'sqlite')
    .option('--yes', 'accept defaults instead of prompting')
    .option('--force', 'write into a non-empty directory')
    .option('--skip-install', 'do not run npm install')
    .option('--skip-git', 'do not git init and commit')
    .option('--dry-run', 'show what would be written; write nothing')
    .action(async (dir: string | undefined, opts: NewOptions) => {
      let text: string;
      let label: string;
      if (opts.manifest) {
        text = readManifestText(opts.manifest);
        label = opts.manifest;
      } else if (opts.modules !== undefined || opts.yes) {
        const name = basename(resolvePath(dir ?? 'my-app'));
        const modules = (opts.modules ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        text = manifestText(name, opts.database ?? 'sqlite', modules);
        label = '--modules';
      } else if (process.stdin.isTTY && process.stdout.isTTY) {
        const a = await ask(basename(resolvePath(dir ?? 'my-app')));
        text = manifestText(a.name, a.database, a.modules);
        label = 'answers';
      } else {
        throw new InputError('no-input', 'forge new needs --manifest <file> or --modules <list> when not run in a terminal (or --yes for the modules every app has)');
      }
      // Outside modules are looked up next to the manifest given, and their folders come into the new project.
      const manifestDir = opts.manifest ? dirname(opts.manifest) : '.';
      const registry = await getProjectRegistry(manifestDir, text, label);
      const manifest = parseManifest(text, registry, label, { positions: label === opts.manifest });
      // Added once the manifest is checked, so a problem's line is the line of the file the user gave.
      text = withSchemaModeline(text);
      const target = dir ?? manifest.name;
      if (!isEmptyDir(target) && !opts.force) throw new InputError('target-not-empty', `${target} is not empty; choose another directory or pass --force`);

      const ownFiles = moduleFolderFiles(manifestDir, manifest.moduleSources);
      const { generated, files } = await createProject(target, manifest, text, registry, { force: Boolean(opts.force), dryRun: Boolean(opts.dryRun), ownFiles });
      for (const m of generated.plan.modules) {
        if (m.reason.kind === 'dependency') out(kleur.dim(`added ${m.descriptor.name}: needed by ${m.reason.of}`));
      }
      if (opts.dryRun) {
        for (const [path, content] of files) out(`${kleur.green('CREATE')} ${target}/${path} (${Buffer.byteLength(content)} bytes)`);
        out('\nDry run: no changes were made.');
        return;
      }
      writeLocalEnv(target, generated);
      out(`${kleur.green('created')} ${target} with ${generated.plan.modules.map((m) => m.descriptor.name).join(', ')} (${files.length} files)`);
      if (!opts.skipInstall) await npmInstall(target);
      if (!opts.skipGit && !(await gitInit(target))) out(kleur.yellow('git init skipped: git is not available or the commit failed'));
      out(`\nNext steps:\n  cd ${target}${opts.skipInstall ? '\n  npm install' : ''}\n  npm run migration:run\n  npm run dev\n`);
      setCode(0);
    });
}
