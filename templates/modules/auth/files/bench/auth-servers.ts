/*
 * Started by bench/auth.ts in its own process: the full app with auth, one registered account, and a bench-only
 * route that does what every guarded route does (token verification, revocation check, permission, tenant scope)
 * and nothing else.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDataSource } from '../src/db/data-source.js';
import { currentTenantId, defineRoute, type AppModule } from '../src/modules/core/index.js';
import { modules as installedModules } from '../src/modules.js';
import { moduleTestEnv } from '../src/modules/core/testing/test-config.js';

const loaded = loadConfig({
  // Stand-ins for variables modules give no default (a Stripe test key); the environment's own win.
  ...moduleTestEnv(),
  ...process.env,
  NODE_ENV: 'production',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  APP_SECRET: randomBytes(32).toString('base64url'),
  ENCRYPTION_KEYS: `1:${randomBytes(32).toString('base64')}`,
  SQLITE_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'bench-')), 'bench.sqlite'),
  DATABASE_URL: undefined,
  REDIS_URL: undefined,
  CORE_RATE_LIMIT_POINTS: String(1e9),
});
// Budgets the benchmark cannot exhaust; everything else runs as in production.
// The bench account cannot click a verification link, so login does not wait for one.
const config = {
  ...loaded,
  auth: {
    ...loaded.auth,
    registration: 'open' as const,
    tokenTransport: 'bearer' as const,
    loginIpLimit: 1e9,
    lockoutThreshold: 1e6,
    requireVerifiedEmail: false,
  },
};

const benchModule: AppModule = {
  name: 'bench',
  setup: () => ({
    routes: [
      defineRoute({
        method: 'get',
        path: '/bench/whoami',
        summary: 'Bench only: an authenticated, permission-checked, tenant-scoped request',
        permission: 'auth:session',
        responses: { 200: { description: 'ok', schema: z.object({ tenant: z.string() }) } },
        handler: () => ({ tenant: currentTenantId() }),
      }),
    ],
  }),
};

const modules = [...installedModules, benchModule];
const dataSource = createDataSource(config, modules);
await dataSource.initialize();
await dataSource.runMigrations();
const instance = createApp({ config, dataSource, modules });
await instance.start();
const server = instance.app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const port = (server.address() as AddressInfo).port;

const email = 'bench@example.test';
const password = `bench password ${randomBytes(6).toString('hex')}`;
const response = await fetch(`http://127.0.0.1:${String(port)}/auth/register`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email, password, tenantName: 'Bench' }),
});
const body = (await response.json()) as { accessToken: string; tenantId: string };
process.send?.({ port, email, password, accessToken: body.accessToken, tenantId: body.tenantId });
