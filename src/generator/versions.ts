/**
 * The one place that pins every npm package a generated app can receive (t3's dependencyVersionMap).
 * Module descriptors name packages by key; naming a package missing here fails to compile.
 * Every version here runs on Node 20.19, 22 and 24.
 */
export const versions = {
  // runtime
  express: '^5.2.1',
  helmet: '^8.1.0',
  cors: '^2.8.5',
  'cookie-parser': '^1.4.7',
  'rate-limiter-flexible': '^11.0.0',
  ioredis: '^5.8.2',
  typeorm: '^1.1.1',
  'better-sqlite3': '^12.6.2',
  pg: '^8.16.3',
  'reflect-metadata': '^0.2.2',
  zod: '^4.1.12',
  '@asteasolutions/zod-to-openapi': '^8.1.0',
  'swagger-ui-express': '^5.0.1',
  pino: '^10.1.0',
  'pino-http': '^11.0.0',
  argon2: '^0.44.0',
  jose: '^6.1.0',
  bullmq: '^6.7.6',
  // development
  // TypeScript 7's native compiler type-checks and builds (`tsc`, several times faster); typescript-eslint still
  // needs TypeScript 6's JavaScript API, which Microsoft publishes as @typescript/typescript6 to install alongside.
  '@typescript/native': 'npm:typescript@^7.0.2',
  typescript: 'npm:@typescript/typescript6@^6.0.2',
  tsx: '^4.20.6',
  vitest: '^4.0.8',
  supertest: '^7.1.4',
  eslint: '^9.39.1',
  '@eslint/js': '^9.39.1',
  'typescript-eslint': '^8.46.4',
  autocannon: '^8.0.0',
  prettier: '^3.10.2',
  '@readme/openapi-parser': '^5.2.0',
  // A typed fetch client over the types openapi-typescript generates from /openapi.json.
  'openapi-fetch': '^0.17.0',
  '@types/node': '^20.19.0',
  '@types/express': '^5.0.5',
  '@types/cors': '^2.8.19',
  '@types/cookie-parser': '^1.4.10',
  '@types/supertest': '^6.0.3',
  '@types/swagger-ui-express': '^4.1.8',
  '@types/better-sqlite3': '^7.6.13',
  '@types/pg': '^8.15.6',
  '@types/autocannon': '^7.12.7',
  // observability
  'prom-client': '^15.1.3',
  'pino-pretty': '^13.1.2',
  '@opentelemetry/api': '^1.9.0',
  '@opentelemetry/sdk-node': '~0.223.0',
  '@opentelemetry/exporter-trace-otlp-http': '~0.223.0',
  '@opentelemetry/instrumentation-http': '~0.223.0',
  '@opentelemetry/instrumentation-express': '~0.71.1',
  '@opentelemetry/instrumentation-pg': '~0.76.0',
  '@opentelemetry/instrumentation-ioredis': '~0.71.0',
  // auth
  qrcode: '^1.5.4',
  '@types/qrcode': '^1.5.6',
  nodemailer: '^10.6.1',
  'openid-client': '^6.9.0',
  passport: '^0.7.0',
  'passport-local': '^1.0.0',
  'passport-strategy': '^1.0.0',
  '@types/passport': '^1.0.17',
  '@types/passport-local': '^1.0.38',
  '@types/passport-strategy': '^0.2.38',
  '@types/nodemailer': '^8.0.2',
  // billing: the SDK pins Stripe's API version (2026-11-18.endive in 23.2); a minor bump may move it.
  stripe: '~23.2.0',
} as const;

export type CatalogPackage = keyof typeof versions;
