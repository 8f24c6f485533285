import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, renamedVariables, type AppConfig } from '../../../config.js';

/** A fresh 32-byte key in ENCRYPTION_KEYS format. */
export function testEncryptionKey(version: number): string {
  return `${String(version)}:${randomBytes(32).toString('base64')}`;
}

/**
 * Config for one test file: its own temporary SQLite file, or the shared PostgreSQL database when DATABASE_URL
 * is set, fresh secrets, silent logs. `env` overrides any variable (e.g. a low rate limit).
 */
export function testConfig(env: Record<string, string | undefined> = {}): AppConfig {
  const folder = mkdtempSync(path.join(tmpdir(), 'app-test-'));
  // Tests name config keys by their canonical variable; a manifest may have renamed it with `${VAR}`.
  const byName = (values: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(values).map(([name, value]) => [renamedVariables[name] ?? name, value]));
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    APP_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEYS: testEncryptionKey(1),
    SQLITE_PATH: path.join(folder, 'test.sqlite'),
    DATABASE_URL: process.env.DATABASE_URL,
    ...byName({ CORE_RATE_LIMIT_POINTS: '10000', ...env }),
  });
}
