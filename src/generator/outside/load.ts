import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, type Problem } from '../../errors.js';
import type { ModuleSource } from '../../manifest/schema.js';
import { createRegistry, type RegisteredModule, type Registry } from '../registry.js';
import { topologicalOrder } from '../resolve.js';
import { versions } from '../versions.js';
import { checkDescriptor } from './check-descriptor.js';
import { stageDescriptor } from './stage.js';

/** The descriptor file of a module folder, TypeScript first (as forge's own), then compiled JavaScript. */
const descriptorNames = ['module.ts', 'module.mts', 'module.mjs', 'module.js'];

/** A path as the user would type it from where forge runs. */
const shown = (path: string) => relative(process.cwd(), path) || '.';

/** The folder a source names: inside the project for a path, the installed package for a package. */
function sourceFolder(projectDir: string, source: ModuleSource, index: number, manifestFile: string): string {
  const at = (key: string, message: string): never => {
    throw new InputError('module-source', [{ file: manifestFile, path: `module_sources[${index}].${key}`, message }]);
  };
  if (source.path !== undefined) {
    const folder = resolvePath(projectDir, source.path);
    const inside = relative(projectDir, folder);
    if (isAbsolute(source.path) || inside.startsWith('..') || isAbsolute(inside)) at('path', 'must be a folder inside the project, relative to forge.yaml');
    if (!existsSync(folder) || !statSync(folder).isDirectory()) at('path', `no such folder: ${shown(folder)}`);
    return folder;
  }
  const name = source.package ?? '';
  // node_modules folders from the project up, as Node looks for a package; its exports do not matter here.
  for (let dir = resolvePath(projectDir); ; dir = resolvePath(dir, '..')) {
    const folder = join(dir, 'node_modules', ...name.split('/'));
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dir === resolvePath(dir, '..')) break;
  }
  return at('package', `package ${name} is not installed (npm install -D ${name})`);
}

async function loadModule(dir: string, name: string, catalogue: Readonly<Record<string, string>>): Promise<RegisteredModule> {
  const descriptorName = descriptorNames.find((f) => existsSync(join(dir, f))) ?? 'module.ts';
  const file = join(dir, descriptorName);
  const staged = await stageDescriptor(dir, descriptorName, shown(dir), name);
  let loaded: unknown;
  try {
    loaded = ((await import(pathToFileURL(staged).href)) as { default?: unknown }).default;
  } catch (e) {
    throw new InputError('module-invalid', [{ file: shown(file), message: `module ${name}: cannot be loaded: ${(e as Error).message.split('\n')[0]}` }]);
  }
  return { descriptor: checkDescriptor(loaded, name, shown(file), dir, catalogue), dir, descriptorFile: shown(file) };
}

/** Package versions the outside modules pin: each either not in forge's catalogue, or pinned the same there. */
function catalogueProblems(modules: RegisteredModule[]): Problem[] {
  const problems: Problem[] = [];
  const pinnedBy = new Map<string, { version: string; module: RegisteredModule }>();
  for (const m of modules) {
    for (const [name, version] of Object.entries(m.descriptor.catalogue ?? {})) {
      const ours = (versions as Readonly<Record<string, string>>)[name];
      const other = pinnedBy.get(name);
      const clash = ours !== undefined && ours !== version ? `forge's catalogue pins ${ours}` : other && other.version !== version ? `module ${other.module.descriptor.name} (${other.module.descriptorFile}) pins ${other.version}` : undefined;
      if (clash) problems.push({ file: m.descriptorFile, message: `module ${m.descriptor.name}: its catalogue pins ${name} at ${version}, but ${clash}` });
      pinnedBy.set(name, { version, module: m });
    }
  }
  return problems;
}

/**
 * The catalogue and the modules of the manifest's `module_sources`, as one registry: an outside module is then
 * resolved, rendered, wired, merged and removed exactly as a catalogue module is.
 */
export async function loadProjectRegistry(projectDir: string, sources: readonly ModuleSource[], catalogue: Registry, manifestFile = 'forge.yaml'): Promise<Registry> {
  if (!sources.length) return catalogue;
  const outside: RegisteredModule[] = [];
  for (const [index, source] of sources.entries()) {
    const folder = sourceFolder(projectDir, source, index, manifestFile);
    const names = readdirSync(folder, { withFileTypes: true })
      .filter((d) => d.isDirectory() && descriptorNames.some((f) => existsSync(join(folder, d.name, f))))
      .map((d) => d.name)
      .sort();
    for (const name of names) {
      const module = await loadModule(join(folder, name), name, versions);
      const taken = catalogue.has(name) ? "forge's catalogue" : outside.find((m) => m.descriptor.name === name)?.descriptorFile;
      if (taken) throw new InputError('module-invalid', [{ file: module.descriptorFile, message: `module ${name}: the name is taken by ${taken}` }]);
      outside.push(module);
    }
  }
  const problems = catalogueProblems(outside);
  const known = new Set([...catalogue.keys(), ...outside.map((m) => m.descriptor.name)]);
  for (const m of outside) {
    for (const dep of m.descriptor.dependsOn.filter((d) => !known.has(d))) problems.push({ file: m.descriptorFile, message: `module ${m.descriptor.name}: depends on unknown module ${dep}` });
  }
  if (problems.length) throw new InputError('module-invalid', problems);
  const registry = createRegistry([...catalogue.values(), ...outside]);
  try {
    topologicalOrder(registry, outside.map((m) => m.descriptor.name));
  } catch (e) {
    const cycle = (e as Error).message.replace(/^[^:]*: /, '').split(' → ');
    const first = outside.find((m) => cycle.includes(m.descriptor.name));
    throw new InputError('module-invalid', [{ file: first?.descriptorFile ?? shown(projectDir), message: `module ${first?.descriptor.name ?? ''}: ${(e as Error).message}` }]);
  }
  return registry;
}

