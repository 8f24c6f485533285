/*
 * `ADMIN_OPERATOR_PASSWORD=... npm run admin:create-operator -- <email>`: creates a platform operator, the only
 * way one comes to exist (there is no registration and no route that makes one). The password is read from the
 * environment, so it never appears in the shell history or the process list; the TOTP secret is printed once, for
 * the operator's authenticator app, and every sign-in asks for a code.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../../config.js';
import { createDataSource } from '../../db/data-source.js';
import { loadSecurityKeys } from '../core/index.js';
import { OperatorInputError, OperatorStore } from './operators/store.js';

if (existsSync('.env')) process.loadEnvFile('.env');

const [email, ...extra] = process.argv.slice(2);
if (email === undefined || extra.length > 0) {
  console.error('usage: ADMIN_OPERATOR_PASSWORD=... npm run admin:create-operator -- <email>');
  process.exit(2);
}
const config = loadConfig();
const dataSource = createDataSource(config);
await dataSource.initialize();
try {
  await dataSource.runMigrations({ transaction: 'each' });
  const store = new OperatorStore(dataSource, loadSecurityKeys(config).encryption);
  const created = await store.create({
    email,
    password: process.env.ADMIN_OPERATOR_PASSWORD ?? '',
    minLength: config.auth.passwordMinLength,
    issuer: config.auth.jwtIssuer,
  });
  console.log(`operator ${created.email} created (${created.id})`);
  console.log(`TOTP secret, shown once; add it to an authenticator app: ${created.totpSecret}`);
  console.log(created.otpauthUri);
} catch (error) {
  if (!(error instanceof OperatorInputError)) throw error;
  console.error(`ADMIN_OPERATOR_PASSWORD / <email>: ${error.message}`);
  process.exitCode = 2;
} finally {
  await dataSource.destroy();
}
