/*
 * `npm run auth:create-owner -- <tenant-id> <email>`: creates the tenant (when missing) and its first owner, for
 * apps whose registration is `invite` or `closed`. The password is read from AUTH_OWNER_PASSWORD, so it never
 * appears in the shell history or the process list.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../../config.js';
import { createDataSource } from '../../db/data-source.js';
import { createTenant, runWithTenant, Tenant, TenantRepository } from '../core/index.js';
import { User } from './entities/user.entity.js';
import { normalizeEmail } from './lockout.js';
import { PasswordHasher, passwordProblem } from './passwords.js';

if (existsSync('.env')) process.loadEnvFile('.env');

const [tenantId, rawEmail] = process.argv.slice(2);
const password = process.env.AUTH_OWNER_PASSWORD ?? '';
if (tenantId === undefined || rawEmail === undefined) {
  console.error('usage: AUTH_OWNER_PASSWORD=... npm run auth:create-owner -- <tenant-id> <email>');
  process.exit(2);
}
const config = loadConfig();
const email = normalizeEmail(rawEmail);
const problem = passwordProblem(password, config.auth.passwordMinLength, email);
if (problem !== undefined) {
  console.error(`AUTH_OWNER_PASSWORD: ${problem}`);
  process.exit(2);
}
const dataSource = createDataSource(config);
await dataSource.initialize();
try {
  await dataSource.runMigrations({ transaction: 'each' });
  if ((await dataSource.getRepository(Tenant).findOne({ where: { id: tenantId } })) === null)
    await createTenant(dataSource, { id: tenantId, name: tenantId });
  const users = new TenantRepository(dataSource, User, { rowLevelSecurity: config.core.rowLevelSecurity });
  await runWithTenant(tenantId, async () => {
    const [existing] = await users.list({ where: { email }, take: 1 });
    if (existing !== undefined) throw new Error(`${email} already has an account in ${tenantId}`);
    await users.create({
      email,
      passwordHash: await new PasswordHasher().hash(password),
      role: 'owner',
      emailVerifiedAt: Date.now(),
      disabledAt: null,
    });
  });
  console.log(`owner ${email} created in tenant ${tenantId}`);
} finally {
  await dataSource.destroy();
}
