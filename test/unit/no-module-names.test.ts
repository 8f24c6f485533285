/**
 * The generator names no module: what a module needs in a generated file (its compose services, variables, config
 * code) comes from its descriptor and templates. So forge's code, comments aside, holds no catalogue module's
 * name, none of their variables and none of their compose services, but in the catalogues that pin versions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appService } from '../../src/generator/compose.js';
import { loadRegistry } from '../../src/generator/registry.js';
import { databases } from '../../src/manifest/schema.js';
import { forgeRoot } from '../../src/paths.js';

/** Files allowed to name some of them, and why. */
const allowed: Record<string, { names: string[]; why: string }> = {
  'generator/images.ts': { names: ['grafana', 'postgres', 'prometheus', 'redis'], why: 'the image catalogue: services name images by its keys' },
  'generator/define-module.ts': { names: ['core'], why: "a tier ('core' | 'enterprise'), not the module" },
};

/** The text of a TypeScript file without its comments (good enough for forge's own code: no `//` in strings). */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** Every name of the catalogue forge must not know: modules, their variables, their compose services. */
async function catalogueNames(): Promise<Set<string>> {
  const names = new Set(['app_runtime']);
  for (const { descriptor: d } of (await loadRegistry()).values()) {
    names.add(d.name);
    for (const v of d.env ?? []) names.add(v.name);
    for (const database of databases) {
      for (const [service, s] of Object.entries(d.compose?.({ database }) ?? {})) {
        names.add(service);
        for (const key of Object.keys({ ...s.environment, ...s.appEnvironment })) names.add(key);
        for (const v of s.variables ?? []) names.add(v.name);
      }
    }
  }
  // The manifest's own values (`database: postgres`) and the app's service are forge's words, whoever else uses them.
  for (const word of [...databases, appService]) names.delete(word);
  return names;
}

/** `file:line [name]` for every name found outside the allowed spots. */
export function findNames(root: string, names: Set<string>): string[] {
  const found: string[] = [];
  for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).sort()) {
    code(readFileSync(join(root, file), 'utf8'))
      .split('\n')
      .forEach((line, i) => {
        for (const name of names) {
          if (allowed[file]?.names.includes(name)) continue;
          if (new RegExp(`(?<![\\w-])${name}(?![\\w-])`).test(line)) found.push(`${file}:${i + 1} [${name}] ${line.trim()}`);
        }
      });
  }
  return found;
}

describe('the generator names no module', async () => {
  const names = await catalogueNames();

  it('knows the names it looks for (modules, variables, services)', () => {
    for (const name of ['core', 'observability', 'METRICS_TOKEN', 'DATABASE_URL', 'MIGRATION_DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'prometheus', 'redis', 'POSTGRES_PASSWORD']) {
      expect(names).toContain(name);
    }
  });

  it('finds one where it is written', () => {
    const line = "  environment.DATABASE_URL = 'postgres://app_runtime@postgres/app'; // core";
    expect(code(line)).toBe("  environment.DATABASE_URL = 'postgres://app_runtime@postgres/app'; ");
    expect(new RegExp('(?<![\\w-])DATABASE_URL(?![\\w-])').test(code(line))).toBe(true);
  });

  it('src/ holds none of them outside its catalogues', () => {
    expect(findNames(join(forgeRoot, 'src'), names)).toEqual([]);
  });
});
