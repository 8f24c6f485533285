import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadRegistry } from '../../src/generator/registry.js';
import { resolve } from '../../src/generator/resolve.js';
import { collectEnv } from '../../src/generator/env.js';
import { parseManifest, readManifest } from '../../src/generator/manifest.js';
import { forgeRoot } from '../../src/paths.js';

/** One app the matrix generates: from a module list or from an example manifest. */
export interface Combination {
  label: string;
  args: string[];
  modules: string[];
  /** The manifest's `database:`: what docker-compose.yml runs and what the README says (both are in the matrix). */
  database: 'sqlite' | 'postgres';
  /**
   * `lts`: the combination with the most modules again, on the current Node LTS (forge runs on Node 20; users
   * run 22 and 24). Its own entry, so the other matrix file can take it while the first runs the rest.
   */
  runtime?: 'lts';
  /**
   * The test files the app's suite runs, as vitest path filters; unset, the whole suite. A module alone runs its
   * own tests: its dependencies' tests run in their own combinations and, with every module present, in `all`
   * and the examples. Running them again in each dependent module's app would make the matrix grow with the
   * square of the module count (13 of the 17 catalogue modules depend on auth).
   */
  tests?: string[];
  /**
   * Stand-ins for the variables a module needs and gives no default (its `testEnv`: e.g. a Stripe test key), under
   * the app's names: what a developer puts in .env. Migrations and the boot read them; the app's tests set their own.
   */
  env?: Record<string, string>;
}

/** The modules' `testEnv` values under the names the app reads them by (a manifest may rename with `${VAR}`). */
function testVariablesOf(plan: ReturnType<typeof resolve>): Record<string, string> {
  const env = collectEnv(plan);
  const entries = plan.modules.flatMap((m) => Object.entries(m.descriptor.testEnv ?? {}));
  return Object.fromEntries(entries.map(([canonical, value]) => [env.find((v) => v.canonical === canonical)?.name ?? canonical, value]));
}

/** Labels of the other end-to-end suites, which `--only` may name too (lifecycle, own-module, resources-evolution). */
const otherSuites = ['lifecycle', 'own-module', 'resources-evolution'];

/**
 * Each implemented module alone (with its closure), all of them together, and every example. Two combinations
 * with the same plan (database, modules and every config value) give the same app but for its name and
 * description, so only the first is run: `core` and an example that selects core with its defaults are one app.
 * `only` (FORGE_E2E_ONLY) keeps the named labels; `modules` (FORGE_E2E_MODULES) keeps the combination of exactly
 * that module closure. Either fails on a name it does not know, listing the ones it does. `rehearse`
 * (FORGE_E2E_REHEARSE) sizes the matrix for that many modules: see rehearsal().
 */
export async function combinations(
  only = process.env.FORGE_E2E_ONLY,
  modules = process.env.FORGE_E2E_MODULES,
  rehearse = process.env.FORGE_E2E_REHEARSE === undefined ? undefined : Number(process.env.FORGE_E2E_REHEARSE),
): Promise<Combination[]> {
  const registry = await loadRegistry();
  const implemented = [...registry.values()].map((m) => m.descriptor).filter((d) => d.status === 'implemented');
  // The manifest `forge new --modules` writes, read the way forge reads it.
  const planOf = (names: string[]) => resolve(parseManifest(JSON.stringify({ name: 'app', database: 'sqlite', modules: names.map((name) => ({ name })) }), registry), registry);
  const list: { combination: Combination; plan: ReturnType<typeof resolve> }[] = [];
  const add = (label: string, args: string[], plan: ReturnType<typeof resolve>, tests?: string[]) => {
    const env = testVariablesOf(plan);
    list.push({ combination: { label, args, modules: plan.modules.map((m) => m.descriptor.name), database: plan.app.database, ...(tests && { tests }), ...(Object.keys(env).length && { env }) }, plan });
  };
  for (const d of implemented) {
    if (d.alwaysIncluded) add(d.name, ['--modules', ''], planOf([]));
    else add(d.name, ['--modules', d.name], planOf([d.name]), [`src/modules/${d.name}/`]);
  }
  const optional = implemented.filter((d) => !d.alwaysIncluded).map((d) => d.name);
  add('all', ['--modules', optional.join(',')], planOf(optional));
  const examplesDir = join(forgeRoot, 'examples');
  for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).sort()) {
    add(`example-${file.replace(/\.yaml$/, '')}`, ['--manifest', join(examplesDir, file)], resolve(readManifest(join(examplesDir, file), registry), registry));
  }
  const largest = list.reduce((a, b) => (b.combination.modules.length > a.combination.modules.length ? b : a));
  list.push({ combination: { ...largest.combination, label: `${largest.combination.label}-node24`, runtime: 'lts' }, plan: largest.plan });

  const known = list.map((c) => c.combination.label);
  let selected = list;
  if (only !== undefined) {
    const wanted = only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = wanted.filter((l) => !known.includes(l) && !otherSuites.includes(l));
    if (unknown.length || !wanted.length) throw new Error(`--only: unknown combination '${unknown.join(', ')}'; known: ${[...known, ...otherSuites].join(', ')}`);
    selected = selected.filter((c) => wanted.includes(c.combination.label));
  }
  if (modules !== undefined) {
    const closure = planOf(modules.split(',').map((s) => s.trim()).filter(Boolean)).modules.map((m) => m.descriptor.name).join(',');
    selected = selected.filter((c) => !c.combination.label.startsWith('example-') && c.combination.modules.join(',') === closure);
    if (!selected.length) throw new Error(`--modules ${modules}: no combination has exactly ${closure}; known: ${list.map((c) => c.combination.modules.join(',')).join(' | ')}`);
  }

  const seen = new Map<string, string>();
  const distinct = selected.flatMap(({ combination, plan }) => {
    const key = JSON.stringify([combination.runtime, plan.app.database, plan.modules.map((m) => [m.descriptor.name, m.config, m.envRefs]), plan.resources]);
    const same = seen.get(key);
    if (same !== undefined) {
      console.log(`${combination.label}: the same plan as ${same} (only the name and description differ); proved there`);
      return [];
    }
    seen.set(key, combination.label);
    return [combination];
  });
  return rehearse === undefined ? distinct : rehearsal(distinct, rehearse, implemented.length);
}

/**
 * The matrix seventeen modules would make, run with the modules there are today, to measure rather than guess
 * whether it fits in CI's time (`npm run bench:matrix`). With `catalogue` modules instead of `implemented`:
 * - there is one module alone per catalogue module: today's modules alone are repeated in turn until there are
 *   as many (core once), each costing what a real one does today;
 * - `all` and its LTS run hold every module, so their work grows with the module count: each is repeated
 *   catalogue ÷ implemented times (rounded), as if every future module cost what today's do on average;
 * - the examples stay as they are: each is a fixed manifest, and one added later brings its own cost.
 * Copies are labelled `<label>~<n>`.
 */
export function rehearsal(list: Combination[], catalogue: number, implemented: number): Combination[] {
  const factor = Math.round(catalogue / implemented);
  const copy = (c: Combination, n: number): Combination => ({ ...c, label: `${c.label}~${String(n)}` });
  const alone = list.filter((c) => c.tests !== undefined);
  const singles = Array.from({ length: Math.max(0, catalogue - 1 - alone.length) }, (_, i) => copy(alone[i % alone.length] as Combination, Math.floor(i / alone.length) + 2));
  const growing = list.filter((c) => !c.label.startsWith('example-') && c.tests === undefined && c.modules.length > 1);
  const grown = growing.flatMap((c) => Array.from({ length: factor - 1 }, (_, i) => copy(c, i + 2)));
  return [...list, ...singles, ...grown];
}
