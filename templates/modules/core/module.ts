import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'core',
  summary: 'Express 5 app, TypeORM data layer, tenant isolation, security middleware, config and OpenAPI',
  tier: 'core',
  status: 'implemented',
  alwaysIncluded: true,
  dependsOn: [],
  config: z
    .object({
      tenant_resolution: z
        .enum(['header', 'subdomain', 'token'])
        .default('header')
        .describe('Where a request names its tenant: a header, the first subdomain, or the access token claim'),
      tenant_header: z.string().regex(/^[a-z0-9-]+$/).default('x-tenant-id').describe('Header that carries the tenant id'),
      cors_origins: z.array(z.string().url()).default([]).describe('Origins allowed to call the API from a browser'),
      body_limit_kb: z.number().int().min(1).max(10240).default(100).describe('Largest JSON body accepted, in KiB (413 above)'),
      rate_limit_points: z.number().int().min(1).default(100).describe('Requests one client may make per window'),
      rate_limit_window_seconds: z.number().int().min(1).default(60).describe('Length of the rate-limit window'),
      row_level_security: z
        .boolean()
        .default(false)
        .describe('With database: postgres, also enforce tenant isolation with PostgreSQL row-level security'),
    })
    .strict(),
  dependencies: [
    'express', 'helmet', 'cors', 'cookie-parser', 'rate-limiter-flexible', 'ioredis', 'typeorm', 'better-sqlite3',
    'pg', 'reflect-metadata', 'zod', '@asteasolutions/zod-to-openapi', 'swagger-ui-express',
  ],
  devDependencies: [
    'typescript', 'tsx', 'vitest', 'supertest', 'eslint', '@eslint/js', 'typescript-eslint', 'autocannon',
    '@readme/openapi-parser', '@types/node', '@types/express', '@types/cors', '@types/cookie-parser',
    '@types/supertest', '@types/swagger-ui-express', '@types/better-sqlite3', '@types/pg', '@types/autocannon',
  ],
  env: [
    { name: 'NODE_ENV', kind: 'enum', values: ['development', 'test', 'production'], default: 'development', description: 'Runtime mode; production turns on __Host- cookies and hides error detail' },
    { name: 'PORT', kind: 'integer', default: 3000, description: 'Port the HTTP server listens on' },
    { name: 'HOST', kind: 'string', default: '0.0.0.0', description: 'Address the HTTP server binds' },
    { name: 'DATABASE_URL', kind: 'url', description: 'postgres:// URL; unset means SQLite in ./data/app.sqlite' },
    { name: 'SQLITE_PATH', kind: 'string', default: './data/app.sqlite', description: 'SQLite file used when DATABASE_URL is unset' },
    { name: 'REDIS_URL', kind: 'url', description: 'redis:// URL for shared rate limits; unset keeps them in memory' },
    { name: 'LOG_LEVEL', kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', description: 'Lowest log level written' },
    { name: 'APP_SECRET', kind: 'string', required: true, secret: true, generate: 'token', description: 'At least 32 random characters; signs CSRF tokens and cookies' },
    { name: 'ENCRYPTION_KEYS', kind: 'list', required: true, secret: true, generate: 'keyring', description: 'Comma-separated field-encryption keys as version:base64(32 bytes); the first one encrypts' },
  ],
  compose: ['postgres'],
  scripts: {},
});
