import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';
import { coreServices } from './compose.js';

export default defineModule({
  name: 'core',
  summary: 'Express 5 app, TypeORM data layer, tenant isolation, security middleware, config and OpenAPI',
  tier: 'core',
  status: 'implemented',
  alwaysIncluded: true,
  dependsOn: [],
  tables: ['tenants'],
  config: z
    .object({
      tenant_resolution: z
        .enum(['header', 'subdomain', 'token'])
        .default('header')
        .describe('Where a request names its tenant: a header, the first subdomain, or the access token claim'),
      tenant_header: z.string().regex(/^[a-z0-9-]+$/).default('x-tenant-id').describe('Header that carries the tenant id'),
      tenant_base_domain: z
        .string()
        .regex(/^(?:[a-z0-9-]+\.)*[a-z0-9-]+$|^$/)
        .default('')
        .describe(
          'With subdomain resolution, the domain tenants live under (acme.<base>); other hosts, the base itself and www./api. name no tenant. Empty: the label left of the last two',
        ),
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
    'pg', 'zod', '@asteasolutions/zod-to-openapi', 'swagger-ui-express', 'pino', 'bullmq',
    'nodemailer',
  ],
  devDependencies: [
    '@typescript/native', 'typescript', 'tsx', 'vitest', 'supertest', 'eslint', '@eslint/js', 'typescript-eslint', 'autocannon', 'prettier',
    '@readme/openapi-parser', 'openapi-fetch', '@types/node', '@types/express', '@types/cors', '@types/cookie-parser',
    '@types/supertest', '@types/swagger-ui-express', '@types/better-sqlite3', '@types/pg', '@types/autocannon',
    '@types/nodemailer',
  ],
  env: [
    { name: 'NODE_ENV', kind: 'enum', values: ['development', 'test', 'production'], default: 'production', description: 'Runtime mode; production (the default, so an unset variable is safe) turns on __Host- cookies and hides error detail; npm run dev sets development' },
    { name: 'PORT', kind: 'integer', default: 3000, description: 'Port the HTTP server listens on' },
    { name: 'HOST', kind: 'string', default: '0.0.0.0', description: 'Address the HTTP server binds' },
    { name: 'DATABASE_URL', kind: 'url', description: 'postgres:// URL; unset means SQLite in ./data/app.sqlite' },
    { name: 'MIGRATION_DATABASE_URL', kind: 'url', description: 'postgres:// URL of the role that owns the tables, for migrations; defaults to DATABASE_URL (set it when row-level security is on)' },
    { name: 'SQLITE_PATH', kind: 'string', default: './data/app.sqlite', description: 'SQLite file used when DATABASE_URL is unset' },
    { name: 'REDIS_URL', kind: 'url', description: 'redis:// URL for shared rate limits and background jobs (BullMQ); unset keeps both in this process' },
    { name: 'LOG_LEVEL', kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', description: 'Lowest log level written' },
    { name: 'APP_SECRET', kind: 'string', required: true, secret: true, generate: 'token', minLength: 32, description: 'At least 32 random characters; signs CSRF tokens and cookies' },
    {
      name: 'ENCRYPTION_KEYS',
      kind: 'list',
      required: true,
      secret: true,
      generate: 'keyring',
      // 32 bytes are 43 base64 characters (the last one holding 4 bits) plus an optional `=`.
      pattern: { regex: /^\d{1,6}:[A-Za-z0-9+/_-]{42}[AEIMQUYcgkosw048]=?$/, hint: 'version:base64(32 bytes)' },
      description: 'Comma-separated field-encryption keys as version:base64(32 bytes); the highest version encrypts, all decrypt',
    },
    { name: 'TRUST_PROXY', kind: 'string', default: 'loopback', description: "Express 'trust proxy': true, false, a hop count, or addresses/subnets of the proxies in front of the app" },
    // The mailer moved from auth to core (every module mails through context.mailer); the old names stop the boot.
    {
      name: 'MAIL_TRANSPORT',
      kind: 'enum',
      values: ['log', 'smtp'],
      default: 'log',
      formerNames: ['AUTH_MAIL_TRANSPORT'],
      description: 'How the app\'s emails leave: log (the app log, development) or smtp',
    },
    {
      name: 'SMTP_URL',
      kind: 'url',
      secret: true,
      formerNames: ['AUTH_SMTP_URL'],
      description: 'SMTP server for MAIL_TRANSPORT=smtp, e.g. smtps://user:pass@smtp.example.com:465',
    },
    { name: 'MAIL_FROM', kind: 'string', default: 'no-reply@localhost', formerNames: ['AUTH_MAIL_FROM'], description: 'Sender address of the app\'s emails' },
    { name: 'MIGRATE_ON_BOOT', kind: 'boolean', default: true, description: 'Apply pending migrations when the app starts; set false when a release step runs them' },
  ],
  compose: coreServices,
  // The PostgreSQL service's init scripts (see compose.ts).
  filesWhen: { 'ops/postgres/': { database: 'postgres' } },
  scripts: {
    dev: 'tsx watch src/dev.ts',
    build: 'tsc -p tsconfig.build.json',
    start: 'node dist/main.js',
    test: 'vitest run',
    lint: 'eslint . --max-warnings 0',
    format: 'prettier --write .',
    'format:check': 'prettier --check .',
    typecheck: 'tsc -p tsconfig.json',
    'migration:run': 'tsx src/db/run-migrations.ts',
    'migration:revert': 'tsx node_modules/typeorm/cli.js migration:revert -d src/db/cli-data-source.ts',
    'migration:show': 'tsx node_modules/typeorm/cli.js migration:show -d src/db/cli-data-source.ts',
    'migration:generate': 'tsx node_modules/typeorm/cli.js migration:generate -d src/db/cli-data-source.ts',
    'migration:check': 'tsx node_modules/typeorm/cli.js migration:generate src/migrations/drift --check -d src/db/cli-data-source.ts',
    'tenant:create': 'tsx src/db/create-tenant.ts',
    bench: 'tsx bench/health.ts',
  },
});
