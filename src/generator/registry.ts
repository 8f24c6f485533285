import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { forgeRoot, runningFromSource, templatesDir } from '../paths.js';
import type { ModuleDescriptor } from './define-module.js';

export interface RegisteredModule {
  descriptor: ModuleDescriptor;
  /** Folder holding files/ and readme.md.hbs; undefined for in-memory fixture modules. */
  dir?: string;
  /** The descriptor's file as shown in messages, for a module from outside the catalogue. */
  descriptorFile?: string;
}

/** Every module forge knows, by name, in name order. */
export type Registry = ReadonlyMap<string, RegisteredModule>;

export function createRegistry(modules: RegisteredModule[]): Registry {
  const sorted = [...modules].sort((a, b) => a.descriptor.name.localeCompare(b.descriptor.name));
  const registry = new Map(sorted.map((m) => [m.descriptor.name, m]));
  for (const { descriptor } of sorted) {
    for (const dep of descriptor.dependsOn) {
      if (!registry.has(dep)) throw new Error(`module ${descriptor.name} depends on unknown module ${dep}`);
    }
  }
  return registry;
}

/** Adding a module is adding a folder with a module.ts: the registry is whatever folders exist. */
export async function loadRegistry(modulesDir = join(templatesDir, 'modules')): Promise<Registry> {
  const names = readdirSync(modulesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(modulesDir, d.name, 'module.ts')))
    .map((d) => d.name)
    .sort();
  const modules = await Promise.all(
    names.map(async (name) => {
      const dir = join(modulesDir, name);
      const file = runningFromSource ? join(dir, 'module.ts') : join(forgeRoot, 'dist', 'templates', 'modules', name, 'module.js');
      const loaded = (await import(pathToFileURL(file).href)) as { default: ModuleDescriptor };
      const descriptor = loaded.default;
      if (descriptor.name !== name) throw new Error(`${file}: descriptor name ${descriptor.name} differs from its folder ${name}`);
      const hasFiles = existsSync(join(dir, 'files'));
      if (descriptor.status === 'implemented' && !hasFiles) throw new Error(`${dir}: implemented module without files/`);
      if (descriptor.status === 'planned' && hasFiles) throw new Error(`${dir}: planned module with a files/ folder`);
      return { descriptor, dir };
    }),
  );
  return createRegistry(modules);
}
