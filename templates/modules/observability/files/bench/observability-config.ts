/*
 * The config of one bench:observability variant, apart from the server so a test can check it without
 * starting one.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../src/config.js';
import { moduleTestEnv } from '../src/modules/core/testing/test-config.js';

export type BenchVariant = 'off' | 'on' | 'pino-http';

/** Production settings on a fresh SQLite file; `pino-http` switches the access log writer. */
export function benchConfig(variant: BenchVariant, env: Record<string, string | undefined> = process.env): AppConfig {
  const config = loadConfig({
    // Stand-ins for variables modules give no default (a Stripe test key); the environment's own win.
    ...moduleTestEnv(),
    ...env,
    NODE_ENV: 'production',
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
    APP_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEYS: `1:${randomBytes(32).toString('base64')}`,
    SQLITE_PATH: path.join(mkdtempSync(path.join(tmpdir(), `bench-${variant}-`)), 'bench.sqlite'),
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
    OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
  });
  // Set on the config rather than by variable name: a manifest may read these keys from variables of its own.
  // The limiter runs on every request as in production, with a budget the benchmark cannot exhaust.
  config.core.rateLimitPoints = 1e9;
  if (variant === 'pino-http') config.observability.accessLog = 'pino-http';
  return config;
}
