import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import { execa, type Options } from 'execa';
import ts from 'typescript';
import { forgeRoot } from '../../src/paths.js';
import { freePort } from './services.js';

export const forgeBin = join(forgeRoot, 'bin', 'forge.js');

/** A failed step: names the combination, the step and what went wrong, and the command that runs it alone. */
export class StepError extends Error {
  constructor(label: string, step: string, detail: string) {
    super(`[${label}] ${step}: ${detail}\nReproduce: npm run e2e -- --only ${label}`);
  }
}

const lastLines = (text: string, n: number) => text.split('\n').slice(-n).join('\n');

export async function sh(label: string, step: string, cmd: string, args: string[], opts: Options = {}) {
  const r = await execa(cmd, args, { reject: false, all: true, env: { NO_COLOR: '1', CI: 'true', ...opts.env }, ...opts, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new StepError(label, step, `failed (exit ${r.exitCode}): ${cmd} ${args.join(' ')}\n${lastLines(String(r.all ?? ''), 60)}`);
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
  if (differing.length) {
    const first = differing[0] as string;
    const patch = createTwoFilesPatch(`run 1/${first}`, `run 2/${first}`, ta[first] ?? '', tb[first] ?? '');
    throw new StepError(label, 'determinism', `two runs of forge new differ in ${differing.join(', ')}\n${lastLines(patch, 40)}`);
  }
  await sh(label, 'forge check after new', 'node', [forgeBin, 'check'], { cwd: join(b, 'app') });
  // One config value changed must be drift.
  const manifest = join(b, 'app', 'forge.yaml');
  const text = readFileSync(manifest, 'utf8');
  const edited = /rate_limit_points: .*/.test(text)
    ? text.replace(/rate_limit_points: .*/, 'rate_limit_points: 4242')
    : text.replace(/^modules:.*$/m, 'modules:\n  - name: core\n    config:\n      rate_limit_points: 4242');
  if (edited === text) throw new StepError(label, 'forge check after a config change', `found no place for rate_limit_points in ${manifest}`);
  writeFileSync(manifest, edited);
  const drift = await execa('node', [forgeBin, 'check'], { cwd: join(b, 'app'), reject: false, all: true });
  if (drift.exitCode !== 1) throw new StepError(label, 'forge check after a config change', `exited ${drift.exitCode}, expected 1 (drift)\n${lastLines(String(drift.all ?? ''), 40)}`);
  rmSync(b, { recursive: true, force: true });
  return join(a, 'app');
}

export function linkNodeModules(app: string, shared: string): void {
  symlinkSync(shared, join(app, 'node_modules'), 'dir');
}

/** The package a bare import specifier names (`@scope/pkg/sub` → `@scope/pkg`); undefined for relative and node: ones. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  return specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

/**
 * The module specifiers a file imports: import and export … from statements, `import x = require()`, import()
 * and require() calls, and `import('x')` types. Read from TypeScript's syntax tree, so a method call such as
 * `Buffer.from('x')` or a query builder's `.from('table')` is not one, nor is a `declare module 'x'` augmentation.
 */
function importedSpecifiers(file: string, text: string): string[] {
  const found: string[] = [];
  const literal = (node: ts.Node | undefined) => (node !== undefined && ts.isStringLiteralLike(node) ? [node.text] : []);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) found.push(...literal(node.moduleSpecifier));
    else if (ts.isExternalModuleReference(node)) found.push(...literal(node.expression));
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) found.push(...literal(node.argument.literal));
    else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      found.push(...literal(node.arguments[0]));
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false));
  return found;
}

/** Every package the app's code imports is listed in its package.json: the shared install would hide a missing one. */
export function checkDeclaredImports(label: string, app: string): string {
  const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  const files = ['src', 'bench', 'test']
    .filter((dir) => existsSync(join(app, dir)))
    .flatMap((dir) => readdirSync(join(app, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)))
    .concat(['eslint.config.js', 'vitest.config.ts'].filter((f) => existsSync(join(app, f))))
    .filter((f) => /\.(ts|js|mjs)$/.test(f));
  const missing: string[] = [];
  for (const file of files) {
    for (const specifier of importedSpecifiers(file, readFileSync(join(app, file), 'utf8'))) {
      const name = packageOf(specifier);
      if (name !== undefined && !declared.has(name)) missing.push(`${name} (in ${file})`);
    }
  }
  if (missing.length) throw new StepError(label, 'imports are declared in package.json', `imports of undeclared packages: ${missing.join(', ')}`);
  return `${files.length} files`;
}

export function appEnv(app: string, extra: Record<string, string> = {}): Record<string, string> {
  const local = existsSync(join(app, '.env')) ? parseEnv(readFileSync(join(app, '.env'), 'utf8')) : {};
  return { ...(local as Record<string, string>), ...extra };
}

/**
 * Boots dist/main.js, waits for /health, reads /openapi.json (kept in `openApiFile` when given, for the linters and
 * the typed client) and /ready, then SIGTERM must exit 0 within 5 s.
 */
export async function bootAndStop(label: string, app: string, env: Record<string, string>, openApiFile?: string): Promise<string> {
  const port = await freePort();
  const child = spawn('node', ['dist/main.js'], { cwd: app, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const fail = (why: string) => {
    child.kill('SIGKILL');
    return new StepError(label, 'boot', `${why}\n${lastLines(output, 40)}`);
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
  // A fetch that fails outright (the app died after /health) must still show the app's output.
  const fetchOrFail = (path: string) => fetch(`${base}${path}`).catch((error: unknown) => {
    throw fail(`GET ${path}: ${String(error)} (app ${child.exitCode === null ? 'still running' : `exited ${String(child.exitCode)}`})`);
  });
  const openapi = await fetchOrFail('/openapi.json');
  const body = await openapi.text();
  let version: unknown;
  try {
    version = (JSON.parse(body) as { openapi?: unknown }).openapi;
  } catch (e) {
    throw fail(`/openapi.json answered ${openapi.status} with no JSON (${(e as Error).message}): ${body.slice(0, 300)}`);
  }
  if (openapi.status !== 200 || typeof version !== 'string' || !version.startsWith('3.1')) throw fail(`/openapi.json answered ${openapi.status}, openapi ${String(version)}`);
  if (openApiFile !== undefined) writeFileSync(openApiFile, body);
  const ready = await fetchOrFail('/ready');
  if (ready.status !== 200) throw fail(`/ready answered ${ready.status}`);
  const stopAt = Date.now();
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000))]);
  if (code !== 0) throw fail(code === 'timeout' ? 'still running 5 s after SIGTERM' : `exited ${code} after SIGTERM`);
  return `health after ${coldStartMs} ms, stopped in ${Date.now() - stopAt} ms`;
}
