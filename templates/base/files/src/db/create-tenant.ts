/*
 * Registers a tenant from the command line: `npm run tenant:create -- acme "Acme Inc"`.
 * Until an admin module offers an API for it, this is how the first tenants come to exist.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { createTenant } from '../modules/core/index.js';
import { createDataSource } from './data-source.js';

if (existsSync('.env')) process.loadEnvFile('.env');

const [id, name] = process.argv.slice(2);
if (id === undefined || name === undefined) {
  console.error('usage: npm run tenant:create -- <id> <name>');
  process.exit(2);
}

const dataSource = createDataSource(loadConfig());
await dataSource.initialize();
try {
  const tenant = await createTenant(dataSource, { id, name });
  console.log(`tenant ${tenant.id} created`);
} finally {
  await dataSource.destroy();
}
