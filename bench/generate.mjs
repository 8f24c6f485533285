#!/usr/bin/env node
// Times `forge new --skip-install --skip-git` as a whole process for the smallest example manifest and the one
// that selects every implemented module, interleaved in one run (this machine is noisy), next to `node -e 0` as
// the floor. Needs the build (npm run bench builds first).
// Usage: npm run bench [-- --runs 15] [--against <another forge checkout, built>]: with --against, that forge's
// `forge new` runs interleaved with this one's, for a before/after in one run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRegistry } from '../dist/src/generator/registry.js';
import { resolve } from '../dist/src/generator/resolve.js';
import { readManifest } from '../dist/src/generator/manifest.js';

const root = new URL('..', import.meta.url).pathname;
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 15;
const againstAt = process.argv.indexOf('--against');
const against = againstAt > 0 ? process.argv[againstAt + 1] : undefined;
// Examples by the modules they resolve to (dependencies included), read with forge's own loader.
const registry = await loadRegistry();
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => {
    const file = join(root, 'examples', f);
    return { file, modules: resolve(readManifest(file, registry), registry).modules.map((m) => m.descriptor.name) };
  })
  .sort((a, b) => a.modules.length - b.modules.length || statSync(a.file).size - statSync(b.file).size);
const implemented = [...registry.values()].filter((m) => m.descriptor.status === 'implemented').map((m) => m.descriptor.name);
const everything = examples.find((e) => implemented.every((name) => e.modules.includes(name)));
if (!everything) throw new Error(`no example selects every implemented module (${implemented.join(', ')}); the bench needs one`);
const label = (e) => `new ${e.file.split('/').pop()} (${e.modules.join(', ')})`;
// The size for resources: 50 of them, 10 fields each (every field type), each pointing at the one before.
const manyResources = join(mkdtempSync(join(tmpdir(), 'forge-bench-manifest-')), 'forge.yaml');
const fieldTypes = ['string, required: true', 'text', 'integer', 'decimal, precision: 10, scale: 2', 'boolean', 'date', 'datetime', 'enum, values: [a, b]', 'json', 'email'];
writeFileSync(
  manyResources,
  ['name: many-resources', 'resources:']
    .concat(
      Array.from({ length: 50 }, (_, r) => [
        `  things_${r}s:`,
        '    fields:',
        ...fieldTypes.map((type, i) => `      field_${i}: { type: ${type} }`),
        ...(r > 0 ? ['    relations:', `      parent: { type: many_to_one, resource: things_${r - 1}s }`] : []),
        '    sortable: [field_0]',
      ]).flat(),
    )
    .join('\n'),
);
const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: label(examples[0]), manifest: examples[0].file },
  { name: label(everything), manifest: everything.file },
  { name: 'new with 50 resources × 10 fields (goal < 2 s)', manifest: manyResources },
  ...(against === undefined
    ? []
    : [examples[0], everything].map((e) => ({ name: `${label(e)} by ${against}`, manifest: e.file, forge: join(against, 'bin/forge.js') }))),
];

function time(c) {
  const dir = mkdtempSync(join(tmpdir(), 'forge-bench-'));
  const args = c.args ?? [c.forge ?? join(root, 'bin/forge.js'), 'new', 'app', '--manifest', c.manifest, '--skip-install', '--skip-git'];
  const started = process.hrtime.bigint();
  const timed = existsSync('/usr/bin/time'); // GNU time reports peak RSS; without it only wall time is measured
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { cwd: dir, encoding: 'utf8' })
    : spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${c.name} failed: ${r.stderr}`);
  return { ms, rssMiB: timed ? Number(r.stderr.trim().split('\n').pop()) / 1024 : NaN };
}

const results = new Map(cases.map((c) => [c.name, []]));
time(cases[1]); // warm the file cache
for (let i = 0; i < runs; i++) for (const c of cases) results.get(c.name).push(time(c));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0].model}, Node ${process.version}, ${runs} runs each, interleaved`);
for (const [name, rs] of results) {
  console.log(`${name.padEnd(60)} median ${median(rs.map((r) => r.ms)).toFixed(0).padStart(5)} ms   peak RSS ${median(rs.map((r) => r.rssMiB)).toFixed(0)} MiB`);
}
