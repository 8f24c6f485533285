import type { EnvVar } from './define-module.js';

/**
 * The docker-compose services a generated app can receive, with their images pinned here and nowhere else.
 * A module names the services it needs; the app service and its dependencies are assembled in structured.ts.
 */
export const composeServices = {
  postgres: {
    image: 'postgres:17-alpine',
    // `app` owns the tables and migrates; ops/postgres/init (core's template) creates `app_runtime`, the role the
    // app serves with, which owns nothing and cannot bypass row-level security.
    environment: {
      POSTGRES_DB: 'app',
      POSTGRES_USER: 'app',
      POSTGRES_PASSWORD: '${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}',
      APP_DB_PASSWORD: '${POSTGRES_APP_PASSWORD:?set POSTGRES_APP_PASSWORD in .env}',
    },
    healthcheck: { test: ['CMD-SHELL', 'pg_isready -U app -d app'], interval: '5s', timeout: '3s', retries: 10 },
    volumes: ['postgres-data:/var/lib/postgresql/data', './ops/postgres/init:/docker-entrypoint-initdb.d:ro'],
  },
  redis: {
    image: 'redis:7-alpine',
    command: ['redis-server', '--appendonly', 'yes'],
    healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '5s', timeout: '3s', retries: 10 },
    volumes: ['redis-data:/data'],
  },
  prometheus: {
    image: 'prom/prometheus:v3.7.3',
    // The scrape job reads the app's METRICS_TOKEN from metrics-token next to its config (Prometheus expands no
    // variables): the read-only config folder is copied and the token written into the copy at start.
    entrypoint: [
      '/bin/sh',
      '-c',
      'mkdir -p /prometheus/config && cp /etc/prometheus/*.yml /prometheus/config/ && printf %s "$$METRICS_TOKEN" > /prometheus/config/metrics-token && exec /bin/prometheus --config.file=/prometheus/config/prometheus.yml --storage.tsdb.path=/prometheus',
    ],
    environment: { METRICS_TOKEN: '${METRICS_TOKEN:-}' },
    volumes: ['./ops/prometheus:/etc/prometheus:ro', 'prometheus-data:/prometheus'],
    ports: ['127.0.0.1:9090:9090'],
  },
  grafana: {
    image: 'grafana/grafana:12.2.1',
    environment: { GF_SECURITY_ADMIN_PASSWORD: '${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD in .env}', GF_USERS_ALLOW_SIGN_UP: 'false' },
    volumes: ['./ops/grafana/provisioning:/etc/grafana/provisioning:ro', 'grafana-data:/var/lib/grafana'],
    ports: ['127.0.0.1:3001:3000'],
    depends_on: ['prometheus'],
  },
} as const;

export type ComposeServiceName = keyof typeof composeServices;

/** Variables docker-compose itself reads (not the app): they go into .env.example and the local .env. */
export const composeEnv = {
  postgres: [
    { name: 'POSTGRES_PASSWORD', kind: 'string', required: true, secret: true, generate: 'token', description: 'Password of the PostgreSQL service in docker-compose (app, the owner that runs migrations)' },
    { name: 'POSTGRES_APP_PASSWORD', kind: 'string', required: true, secret: true, generate: 'token', description: 'Password of app_runtime, the non-owner role the app connects as in docker-compose' },
  ],
  grafana: [
    { name: 'GRAFANA_ADMIN_PASSWORD', kind: 'string', required: true, secret: true, generate: 'token', description: "Password of Grafana's admin user in docker-compose" },
  ],
} as const satisfies Partial<Record<ComposeServiceName, readonly EnvVar[]>>;
