/**
 * No import cycles in forge's own code: with one, which module's top level runs first depends on who imports
 * first, and turning an exported function into a `const` makes an import throw (merge.ts and keyed-merge.ts
 * were such a pair). Type-only imports and lazy `import()` are erased or deferred, so they do not count.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forgeRoot } from '../../src/paths.js';

/** The files each file of `root` imports at load time (static, non-type imports and re-exports). */
export function importGraph(root: string): Map<string, string[]> {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+'(\.[^']+)'/gms)]
      .map((m) => relative(root, resolve(dirname(join(root, file)), (m[1] as string).replace(/\.js$/, '.ts'))))
      .filter((target) => files.includes(target));
    graph.set(file, targets);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the files on it, first file repeated at the end. */
export function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const walk = (file: string, path: string[]): void => {
    const at = path.indexOf(file);
    if (at >= 0) return void found.push([...path.slice(at), file]);
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) walk(next, [...path, file]);
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) walk(file, []);
  return found;
}

/** The imports of every file of `root` that reach into `folder`, type-only ones included, as `file → target`. */
export function importsInto(root: string, from: string, folder: string): string[] {
  const files = readdirSync(join(root, from), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return files.flatMap((file) => {
    const text = readFileSync(join(root, from, file), 'utf8');
    return [...text.matchAll(/^(?:import|export)\s[^;]*?\bfrom\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/gms)]
      .map((m) => relative(root, resolve(dirname(join(root, from, file)), (m[1] ?? m[2]) as string)))
      .filter((target) => target.startsWith(`${folder}/`))
      .map((target) => `${from}/${file} → ${target}`);
  });
}

describe('import cycles', () => {
  it('finds a cycle where there is one, through re-exports too', () => {
    const graph = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('src/ has none', () => {
    const graph = importGraph(join(forgeRoot, 'src'));
    expect(graph.get('generator/merge.ts')).toContain('generator/keyed-merge.ts');
    expect(cycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });
});

describe('layers', () => {
  it('finds an import into another folder, a type-only one too', () => {
    const root = mkdtempSync(join(tmpdir(), 'forge-layers-'));
    mkdirSync(join(root, 'manifest'));
    writeFileSync(join(root, 'manifest/load.ts'), "import type { Registry } from '../generator/registry.js';\nimport { x } from './own.js';\n");
    expect(importsInto(root, 'manifest', 'generator')).toEqual(['manifest/load.ts → generator/registry.js']);
  });

  it('manifest/ imports nothing from generator/: checking modules against their descriptors is resolution', () => {
    expect(importsInto(join(forgeRoot, 'src'), 'manifest', 'generator')).toEqual([]);
  });
});
