import type { AppSettings, ComposeService } from '../../../src/generator/define-module.js';

const healthEvery = { interval: '5s', timeout: '3s', retries: 10 };

/**
 * The app, and the stores core can use. On SQLite the database is a file on a named volume, and one replica is the
 * most that may run (SQLite takes one writer process). On PostgreSQL `app` owns the tables and migrates, while the
 * app serves as `app_runtime`, created by ops/postgres/init: it owns nothing and cannot bypass row-level security.
 */
export function coreServices({ database }: AppSettings): Record<string, ComposeService> {
  const sqlite = database === 'sqlite';
  const services: Record<string, ComposeService> = {
    app: {
      build: '.',
      ports: ['${PORT:-3000}:3000'],
      // What the image runs with, whatever a developer's .env sets for `npm run dev`.
      environment: { NODE_ENV: 'production', PORT: '3000', ...(sqlite ? { SQLITE_PATH: '/app/data/app.sqlite' } : {}) },
      ...(sqlite ? { volumes: ['app-data:/app/data'] } : {}),
      restart: 'unless-stopped',
    },
    // Shared rate-limit counters (and whatever a module keeps there); runs when a module needs it (`composeUses`).
    redis: {
      image: 'redis',
      command: ['redis-server', '--appendonly', 'yes'],
      healthcheck: { test: ['CMD', 'redis-cli', 'ping'], ...healthEvery },
      volumes: ['redis-data:/data'],
      appEnvironment: { REDIS_URL: 'redis://redis:6379' },
      onlyWhenUsed: true,
    },
  };
  if (sqlite) return services;
  const owner = '${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}';
  const runtime = '${POSTGRES_APP_PASSWORD:?set POSTGRES_APP_PASSWORD in .env}';
  services.postgres = {
    image: 'postgres',
    environment: { POSTGRES_DB: 'app', POSTGRES_USER: 'app', POSTGRES_PASSWORD: owner, APP_DB_PASSWORD: runtime },
    healthcheck: { test: ['CMD-SHELL', 'pg_isready -U app -d app'], ...healthEvery },
    volumes: ['postgres-data:/var/lib/postgresql/data', './ops/postgres/init:/docker-entrypoint-initdb.d:ro'],
    // Migrations as the owner, serving as a role that owns nothing: row-level security's precondition.
    appEnvironment: {
      MIGRATION_DATABASE_URL: `postgres://app:${owner}@postgres:5432/app`,
      DATABASE_URL: `postgres://app_runtime:${runtime}@postgres:5432/app`,
    },
    variables: [
      { name: 'POSTGRES_PASSWORD', kind: 'string', required: true, secret: true, generate: 'token', description: 'Password of the PostgreSQL service in docker-compose (app, the owner that runs migrations)' },
      { name: 'POSTGRES_APP_PASSWORD', kind: 'string', required: true, secret: true, generate: 'token', description: 'Password of app_runtime, the non-owner role the app connects as in docker-compose' },
    ],
  };
  return services;
}
