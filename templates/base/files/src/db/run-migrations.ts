/*
 * `npm run migration:run` (or `node dist/db/run-migrations.js` in production): pending migrations, then the
 * row-level-security policies when they are on. The other migration:* scripts use TypeORM's CLI directly.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { migrate } from './migrate.js';

if (existsSync('.env')) process.loadEnvFile('.env');

try {
  const applied = await migrate(loadConfig());
  console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'no pending migrations');
} catch (error: unknown) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
