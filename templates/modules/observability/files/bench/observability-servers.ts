/*
 * Started by bench/observability.ts, once per variant, each in its own process (so one variant's async-context
 * hooks or JIT state never slow the other): `on` is the app with every installed module, `pino-http` the same
 * with OBSERVABILITY_ACCESS_LOG=pino-http, `off` the app without the observability module (core's one-line
 * access log, no metrics).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDataSource } from '../src/db/data-source.js';
import { modules } from '../src/modules.js';

async function start(name: string): Promise<number> {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    APP_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEYS: `1:${randomBytes(32).toString('base64')}`,
    SQLITE_PATH: path.join(mkdtempSync(path.join(tmpdir(), `bench-${name}-`)), 'bench.sqlite'),
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
    OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
    ...(name === 'pino-http' ? { OBSERVABILITY_ACCESS_LOG: 'pino-http' } : {}),
  });
  // The limiter runs on every request as in production, with a budget the benchmark cannot exhaust.
  config.core.rateLimitPoints = 1e9;
  const selected = name === 'off' ? modules.filter((module) => module.name !== 'observability') : modules;
  const dataSource = createDataSource(config, selected);
  await dataSource.initialize();
  await dataSource.runMigrations();
  const instance = createApp({ config, dataSource, modules: selected });
  await instance.start();
  return listen(instance.app);
}

function listen(app: Express): Promise<number> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

process.send?.(await start(process.argv[2] ?? 'off'));
