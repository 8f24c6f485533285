import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type Options } from 'execa';
import { parseEnv } from 'node:util';
import { forgeRoot } from '../../src/paths.js';
import { freePort } from './services.js';

export const forgeBin = join(forgeRoot, 'bin', 'forge.js');

/** Thrown by a step: names the combination, the step, the command and the end of its output. */
export class StepError extends Error {}

export async function sh(label: string, step: string, cmd: string, args: string[], opts: Options = {}) {
  const r = await execa(cmd, args, { reject: false, all: true, env: { NO_COLOR: '1', CI: 'true', ...opts.env }, ...opts, stdin: 'ignore' });
  if (r.exitCode !== 0) {
    const tail = String(r.all ?? '').split('\n').slice(-60).join('\n');
    throw new StepError(
      `[${label}] ${step} failed (exit ${r.exitCode}): ${cmd} ${args.join(' ')}\n${tail}\nReproduce: npm run e2e -- --only ${label}`,
    );
  }
  return String(r.stdout ?? '');
}

export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    const rel = full.slice(dir.length + 1);
    if (rel === '.env' || rel.startsWith('node_modules/') || rel.startsWith('.git/')) continue;
    files[rel] = readFileSync(full, 'utf8');
  }
  return files;
}

/** Generates the app twice and proves the output is byte-identical and `forge check` agrees with it. */
export async function generateApp(label: string, args: string[]): Promise<string> {
  const [a, b] = [mkdtempSync(join(tmpdir(), `forge-e2e-${label}-`)), mkdtempSync(join(tmpdir(), `forge-e2e-${label}-`))];
  for (const dir of [a, b]) await sh(label, 'generate', 'node', [forgeBin, 'new', 'app', ...args, '--skip-install', '--skip-git'], { cwd: dir });
  const [ta, tb] = [readTree(join(a, 'app')), readTree(join(b, 'app'))];
  const differing = Object.keys({ ...ta, ...tb }).filter((p) => ta[p] !== tb[p]);
  if (differing.length) throw new StepError(`[${label}] determinism: two runs differ in ${differing.join(', ')}`);
  await sh(label, 'forge check after new', 'node', [forgeBin, 'check'], { cwd: join(b, 'app') });
  // One config value changed must be drift.
  const manifest = join(b, 'app', 'forge.yaml');
  const text = readFileSync(manifest, 'utf8');
  const edited = /rate_limit_points: .*/.test(text)
    ? text.replace(/rate_limit_points: .*/, 'rate_limit_points: 4242')
    : text.replace(/^modules:.*$/m, 'modules:\n  - name: core\n    config:\n      rate_limit_points: 4242');
  writeFileSync(manifest, edited);
  const drift = await execa('node', [forgeBin, 'check'], { cwd: join(b, 'app'), reject: false });
  if (drift.exitCode !== 1) throw new StepError(`[${label}] forge check should exit 1 after a config change, exited ${drift.exitCode}\n${drift.stdout}`);
  rmSync(b, { recursive: true, force: true });
  return join(a, 'app');
}

/** A copy of a generated app without node_modules, data or build output. */
export function copyApp(app: string, label: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), `forge-e2e-${label}-`)), 'app');
  cpSync(app, dir, { recursive: true, filter: (src) => !/\/(node_modules|data|dist)$/.test(src) });
  return dir;
}

export function linkNodeModules(app: string, shared: string): void {
  symlinkSync(shared, join(app, 'node_modules'), 'dir');
}

/** Every bare import in src/ names a package the app's package.json lists (the shared install would hide it). */
export function checkDeclaredImports(label: string, app: string): void {
  const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  const missing = new Set<string>();
  const scan = (dir: string) => {
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !/\.(ts|js|mjs)$/.test(e.name)) continue;
      const text = readFileSync(join(e.parentPath, e.name), 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'".][^'"]*)['"]/g)) {
        const spec = m[1] as string;
        if (spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
        if (!declared.has(name)) missing.add(`${name} (in ${join(e.parentPath, e.name).slice(app.length + 1)})`);
      }
    }
  };
  for (const dir of ['src', 'bench', 'test']) if (existsSync(join(app, dir))) scan(join(app, dir));
  for (const f of ['eslint.config.js', 'vitest.config.ts']) {
    if (!existsSync(join(app, f))) continue;
    const tmp = mkdtempSync(join(tmpdir(), 'forge-scan-'));
    cpSync(join(app, f), join(tmp, f));
    scan(tmp);
  }
  if (missing.size) throw new StepError(`[${label}] imports of undeclared packages: ${[...missing].join(', ')}`);
}

export function appEnv(app: string, extra: Record<string, string> = {}): Record<string, string> {
  const local = existsSync(join(app, '.env')) ? parseEnv(readFileSync(join(app, '.env'), 'utf8')) : {};
  return { ...(local as Record<string, string>), ...extra };
}

/** Boots dist/main.js, waits for /health, reads /openapi.json and /ready, then SIGTERM must exit 0 within 5 s. */
export async function bootAndStop(label: string, app: string, env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const child = spawn('node', ['dist/main.js'], { cwd: app, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const fail = (why: string) => {
    child.kill('SIGKILL');
    return new StepError(`[${label}] boot: ${why}\n${output.split('\n').slice(-40).join('\n')}\nReproduce: npm run e2e -- --only ${label}`);
  };
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  let healthy = false;
  while (Date.now() - started < 20_000 && child.exitCode === null) {
    healthy = await fetch(`${base}/health`).then((r) => r.status === 200, () => false);
    if (healthy) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!healthy) throw fail('no 200 from /health within 20 s');
  const coldStartMs = Date.now() - started;
  const openapi = await fetch(`${base}/openapi.json`);
  if (openapi.status !== 200 || !((await openapi.json()) as { openapi?: string }).openapi?.startsWith('3.1')) throw fail(`/openapi.json answered ${openapi.status}`);
  const ready = await fetch(`${base}/ready`);
  if (ready.status !== 200) throw fail(`/ready answered ${ready.status}`);
  const stopAt = Date.now();
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000))]);
  if (code !== 0) throw fail(code === 'timeout' ? 'still running 5 s after SIGTERM' : `exited ${code} after SIGTERM`);
  return `health after ${coldStartMs} ms, stopped in ${Date.now() - stopAt} ms`;
}
