import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadRegistry } from '../../src/generator/registry.js';
import { resolve } from '../../src/generator/resolve.js';
import { readManifest } from '../../src/manifest/load.js';
import { forgeRoot } from '../../src/paths.js';

/** One app the matrix generates: from a module list or from an example manifest. */
export interface Combination {
  label: string;
  args: string[];
  modules: string[];
  /** The combination with the most modules: it also runs on the current Node LTS. */
  largest?: boolean;
}

/** Each implemented module alone (with its closure), all of them together, and every example; duplicates dropped. */
export async function combinations(only = process.env.FORGE_E2E_ONLY): Promise<Combination[]> {
  const registry = await loadRegistry();
  const implemented = [...registry.values()].map((m) => m.descriptor).filter((d) => d.status === 'implemented');
  const closure = (modules: string[]) =>
    resolve({ name: 'x', description: '', database: 'sqlite', modules: modules.map((name) => ({ name, config: {}, envRefs: {} })) }, registry).modules.map(
      (m) => m.descriptor.name,
    );
  const list: Combination[] = implemented.map((d) => ({ label: d.name, args: ['--modules', d.alwaysIncluded ? '' : d.name], modules: closure(d.alwaysIncluded ? [] : [d.name]) }));
  const all = implemented.filter((d) => !d.alwaysIncluded).map((d) => d.name);
  list.push({ label: 'all', args: ['--modules', all.join(',')], modules: closure(all) });
  const examplesDir = join(forgeRoot, 'examples');
  for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).sort()) {
    const manifest = readManifest(join(examplesDir, file), registry);
    list.push({
      label: `example-${file.replace(/\.yaml$/, '')}`,
      args: ['--manifest', join(examplesDir, file)],
      modules: resolve(manifest, registry).modules.map((m) => m.descriptor.name),
    });
  }
  const seen = new Set<string>();
  const unique = list.filter((c) => {
    // An example is kept even when its module set repeats: its config and database differ.
    const key = c.label.startsWith('example-') ? c.label : c.modules.join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const largest = unique.reduce((a, b) => (b.modules.length > a.modules.length ? b : a));
  largest.largest = true;
  if (!only) return unique;
  const wanted = only.split(',').map((s) => s.trim());
  return unique.filter((c) => wanted.includes(c.label));
}
