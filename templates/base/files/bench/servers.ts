/*
 * Started by bench/health.ts in its own process: a bare Express 5 handler and the full app side by side,
 * both on loopback, so the load generator does not compete with them for the same event loop.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDataSource } from '../src/db/data-source.js';
import { moduleTestEnv } from '../src/modules/core/testing/test-config.js';

const config = loadConfig({
  // Stand-ins for variables modules give no default (a Stripe test key); the environment's own win.
  ...moduleTestEnv(),
  ...process.env,
  NODE_ENV: 'production',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  APP_SECRET: randomBytes(32).toString('base64url'),
  ENCRYPTION_KEYS: `1:${randomBytes(32).toString('base64')}`,
  SQLITE_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'bench-')), 'bench.sqlite'),
  DATABASE_URL: undefined,
  REDIS_URL: undefined,
});
// The limiter runs on every request as in production, with a budget the benchmark cannot exhaust. Set on the
// config rather than by variable name: a manifest may read the limit from a variable of its own choosing.
config.core.rateLimitPoints = 1e9;

const dataSource = createDataSource(config);
await dataSource.initialize();
await dataSource.runMigrations();
const instance = createApp({ config, dataSource });
await instance.start();

const bare = express();
bare.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});

function listen(app: express.Express): Promise<number> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const ports = { bare: await listen(bare), app: await listen(instance.app) };
process.send?.(ports);
