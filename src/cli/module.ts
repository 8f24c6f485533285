import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import kleur from 'kleur';
import { InputError } from '../errors.js';
import { scaffoldModule } from '../generator/scaffold.js';
import { addModuleSource } from '../manifest/edit-sources.js';
import { readProjectManifestText } from '../manifest/load.js';
import { checkModules } from './module-check.js';
import { getProjectRegistry, getRegistry, out } from './shared.js';

const moduleName = /^[a-z][a-z0-9_]*$/;

/** Writes a new module folder whole, or nothing: the files go to a temporary sibling renamed into place. */
function writeFolder(target: string, files: [string, string][]): void {
  mkdirSync(dirname(target), { recursive: true });
  const work = mkdtempSync(`${target}.tmp-`);
  try {
    for (const [path, text] of files) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
    renameSync(work, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function registerModule(program: Command, setCode: (c: number) => void): void {
  const module = program.command('module').description("modules of your own: scaffold one, prove one");
  module
    .command('new <name>')
    .description('scaffold a module of your own (descriptor, a route, an entity and migration, tests, README section)')
    .option('--dir <dir>', 'project directory', '.')
    .option('--folder <folder>', "the project's folder of modules, listed in forge.yaml's module_sources", 'forge-modules')
    .action(async (name: string, opts: { dir: string; folder: string }) => {
      if (!moduleName.test(name)) throw new InputError('bad-module-name', `${name}: a module name is snake_case: lower-case letters, digits and _, starting with a letter`);
      const manifestPath = join(opts.dir, 'forge.yaml');
      const inProject = existsSync(manifestPath);
      const text = inProject ? readProjectManifestText(opts.dir) : undefined;
      const registry = text === undefined ? await getRegistry() : await getProjectRegistry(opts.dir, text);
      if (registry.has(name)) throw new InputError('module-exists', `${name} is already a module (\`forge info ${name}\`); choose another name`);
      const target = join(opts.dir, opts.folder, name);
      if (existsSync(target)) throw new InputError('target-not-empty', `${target} exists already`);
      writeFolder(target, scaffoldModule(name, Date.now()));
      out(`${kleur.green('created')} ${target}`);
      if (text !== undefined) {
        const edited = addModuleSource(text, opts.folder);
        if (edited !== text) {
          writeFileSync(manifestPath, edited);
          out(`${kleur.green('updated')} ${manifestPath}: module_sources lists ${opts.folder}`);
        }
      }
      out(`\nNext steps:\n  forge module check ${name}     generate a scratch app with it: typecheck, lint, its tests`);
      out(`  forge add-module ${name}       add it to this app${inProject ? '' : ' (in a project whose module_sources lists the folder)'}`);
      setCode(0);
    });
  module
    .command('check [name]')
    .description("prove a module of your own: a scratch app with it is generated, type-checked, linted and runs the module's tests")
    .option('--dir <dir>', 'project directory', '.')
    .option('--node-modules <dir>', 'link this node_modules into the scratch app instead of running npm install')
    .option('--keep', 'keep the scratch app (it is kept anyway when a step fails)')
    .action(async (name: string | undefined, opts: { dir: string; nodeModules?: string; keep?: boolean }) => {
      const registry = await getProjectRegistry(opts.dir, readProjectManifestText(opts.dir));
      setCode(await checkModules(registry, name, { ...(opts.nodeModules ? { nodeModules: opts.nodeModules } : {}), keep: Boolean(opts.keep) }));
    });
}
