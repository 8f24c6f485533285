import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { versions } from '../../src/generator/versions.js';

/**
 * Installing each generated app's dependencies would take minutes per app (better-sqlite3 and argon2 compile
 * from source). Instead the union of the versions catalogue is installed once, in a folder keyed by the
 * catalogue's hash and the Node version, and every generated app links its node_modules to it.
 */
export async function sharedNodeModules(log: (line: string) => void): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify(versions))
    .update(process.version)
    .update(process.arch)
    .digest('hex')
    .slice(0, 16);
  const root = join(process.env.FORGE_E2E_CACHE ?? join(homedir(), '.cache', 'forge-e2e'), key);
  const done = join(root, 'node_modules', '.forge-complete');
  if (existsSync(done)) return join(root, 'node_modules');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'forge-e2e-deps', private: true, dependencies: versions }, null, 2));
  const started = Date.now();
  log(`installing the versions catalogue once into ${root} (native addons compile here)`);
  await execa('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
  writeFileSync(done, new Date().toISOString());
  log(`catalogue installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return join(root, 'node_modules');
}
