#!/usr/bin/env node
// Times `forge new --skip-install --skip-git` as a whole process for the smallest and the largest example
// manifest, interleaved in one run (this machine is noisy), next to `node -e 0` as the floor.
// Usage: npm run bench [-- --runs 15]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 15;
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: join(root, 'examples', f), modules: (readFileSync(join(root, 'examples', f), 'utf8').match(/^\s*- name:/gm) ?? []).length }))
  .sort((a, b) => a.modules - b.modules || statSync(a.file).size - statSync(b.file).size);
const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: `new ${examples[0].file.split('/').pop()}`, manifest: examples[0].file },
  { name: `new ${examples.at(-1).file.split('/').pop()}`, manifest: examples.at(-1).file },
];

function time(c) {
  const dir = mkdtempSync(join(tmpdir(), 'forge-bench-'));
  const args = c.args ?? [join(root, 'bin/forge.js'), 'new', 'app', '--manifest', c.manifest, '--skip-install', '--skip-git'];
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
  console.log(`${name.padEnd(28)} median ${median(rs.map((r) => r.ms)).toFixed(0).padStart(5)} ms   peak RSS ${median(rs.map((r) => r.rssMiB)).toFixed(0)} MiB`);
}
