#!/usr/bin/env node
// One run, as whole processes: generation time of the largest example manifest, the generated app's cold
// start (process start to the first /health 200), its /health throughput next to a bare Express 5 handler
// (the app's own `npm run bench`), and, when the app has the observability module, the cost of its logging and
// metrics (the app's `npm run bench:observability`), and for the first example with resources, its first
// resource's 20-row list next to /health (that app's `npm run bench:resources`). Usage: npm run bench:app [-- --runs 5]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedNodeModules } from '../dist/test/e2e/shared-deps.js';
import { appEnv, linkNodeModules } from '../dist/test/e2e/steps.js';
import { freePort } from '../dist/test/e2e/services.js';

const root = new URL('..', import.meta.url).pathname;
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const largest = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join(root, 'examples', f))
  .sort((a, b) => (readFileSync(b, 'utf8').match(/^\s*- name:/gm) ?? []).length - (readFileSync(a, 'utf8').match(/^\s*- name:/gm) ?? []).length)[0];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

// 1. generation
const generation = [];
let app;
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'forge-bench-app-'));
  const started = process.hrtime.bigint();
  run(process.execPath, [join(root, 'bin/forge.js'), 'new', 'app', '--manifest', largest, '--skip-install', '--skip-git'], { cwd: dir });
  generation.push(Number(process.hrtime.bigint() - started) / 1e6);
  app = join(dir, 'app');
}

// 2. cold start of the built app
linkNodeModules(app, await sharedNodeModules(() => {}));
run('npm', ['run', '--silent', 'build'], { cwd: app });
const env = { ...process.env, ...appEnv(app), NODE_ENV: 'production', LOG_LEVEL: 'warn', SQLITE_PATH: join(app, 'data/bench.sqlite') };
delete env.DATABASE_URL;
run('npm', ['run', '--silent', 'migration:run'], { cwd: app, env });
const coldStarts = [];
for (let i = 0; i < runs; i++) {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: app, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore' });
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error('app exited during start');
    await new Promise((r) => setTimeout(r, 5));
  }
  coldStarts.push(Number(process.hrtime.bigint() - started) / 1e6);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

// 3. throughput against bare Express, measured by the app's own bench in one process pair
const health = spawnSync('npm', ['run', '--silent', 'bench'], { cwd: app, encoding: 'utf8', env: { ...env, BENCH_SECONDS: process.env.BENCH_SECONDS ?? '5' } });
// A missed goal (exit 1 after the ratio line) is a result to print, so the steps after it still run.
if (!health.stdout.includes('ratio:')) throw new Error(`bench failed:\n${health.stdout}\n${health.stderr}`);
const throughput = `${health.stdout.trim()}${health.status === 0 ? '' : '\n/health: goal missed'}`;

// 4. the observability module's cost: its own bench, on vs off in one run. Logs are written at info in every
// variant (the goal is stated for the app as it logs in production), whatever LOG_LEVEL the steps above used.
let observability;
if (JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).scripts['bench:observability'] !== undefined) {
  const r = spawnSync('npm', ['run', '--silent', 'bench:observability'], { cwd: app, encoding: 'utf8', env: { ...env, LOG_LEVEL: 'info' } });
  // A missed goal (exit 1 after the cost line) is a result to print; no cost line is a failure of the bench itself.
  if (!r.stdout.includes('cost of logging + metrics')) throw new Error(`bench:observability failed:\n${r.stdout}\n${r.stderr}`);
  observability = `${r.stdout.trim()}${r.status === 0 ? '' : '\nobservability: goal missed'}`;
}

// 5. a resource's list next to /health: the first example that declares resources, its own bench in one run.
let resources;
const withResources = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => join(root, 'examples', f))
  .find((f) => /^resources:/m.test(readFileSync(f, 'utf8')));
if (withResources !== undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'forge-bench-resources-'));
  run(process.execPath, [join(root, 'bin/forge.js'), 'new', 'app', '--manifest', withResources, '--skip-install', '--skip-git'], { cwd: dir });
  const resourcesApp = join(dir, 'app');
  linkNodeModules(resourcesApp, await sharedNodeModules(() => {}));
  const r = spawnSync('npm', ['run', '--silent', 'bench:resources'], { cwd: resourcesApp, encoding: 'utf8', env: { ...env, ...appEnv(resourcesApp) } });
  // As for observability: a missed goal is a result to print; no ratio line is a failure of the bench itself.
  if (!r.stdout.includes('% of /health')) throw new Error(`bench:resources failed:\n${r.stdout}\n${r.stderr}`);
  resources = `${withResources.split('/').pop()}: ${r.stdout.trim()}${r.status === 0 ? '' : '\nresources: goal missed'}`;
}

console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0].model}, Node ${process.version}, ${runs} runs`);
console.log(`generate ${largest.split('/').pop()}: median ${median(generation).toFixed(0)} ms`);
console.log(`cold start to first /health 200: median ${median(coldStarts).toFixed(0)} ms`);
console.log(throughput.trim());
if (observability !== undefined) console.log(observability);
if (resources !== undefined) console.log(resources);
