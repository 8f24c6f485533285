import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../../config.js';
import { createDataSource } from '../../../db/data-source.js';
import { migrate } from '../../../db/migrate.js';
import { modules as installedModules } from '../../../modules.js';
import { assertRowLevelSecurityRole, tenantTables } from '../tenancy/row-level-security.js';
import { runWithTenant } from '../tenancy/tenant-context.js';
import { TenantRepository } from '../tenancy/tenant-repository.js';
import { createTenant } from '../tenancy/tenants.js';
import { rowLevelSecurityDatabase, type RowLevelSecurityDatabase } from '../testing/rls-role.js';
import { testConfig } from '../testing/test-config.js';
import { Widget } from '../testing/widgets/widget.entity.js';
import { widgetsModule } from '../testing/widgets/widgets.module.js';

const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') === true;
const modules = [...installedModules, widgetsModule];

/**
 * The second wall: with CORE_ROW_LEVEL_SECURITY on, the app connects as a role that neither owns the tables
 * nor bypasses RLS, so even a query that forgets the tenant filter sees only the tenant set for its transaction.
 */
describe.skipIf(!onPostgres)('row-level security on PostgreSQL', () => {
  let database: RowLevelSecurityDatabase;
  let admin: pg.Client;
  let config: AppConfig;
  let app: DataSource;
  let ownerConnection: DataSource;
  const [tenantA, tenantB] = [`rls-a-${randomBytes(3).toString('hex')}`, `rls-b-${randomBytes(3).toString('hex')}`];

  beforeAll(async () => {
    database = await rowLevelSecurityDatabase();
    admin = new pg.Client({ connectionString: database.ownerUrl });
    await admin.connect();
    config = testConfig(database.env);
    await migrate(config, modules);
    app = createDataSource(config, modules);
    await app.initialize();
    ownerConnection = createDataSource(config, modules, { owner: true });
    await ownerConnection.initialize();
    await createTenant(app, { id: tenantA, name: 'A' });
    await createTenant(app, { id: tenantB, name: 'B' });
  });

  afterAll(async () => {
    await app.destroy();
    await ownerConnection.destroy();
    await admin.end();
    await database.drop();
  });

  const widgets = () => new TenantRepository(app, Widget, { rowLevelSecurity: true });

  it('when the migrations ran, then every tenant table has FORCE row-level security and a policy', async () => {
    const tables = tenantTables(app);
    expect(tables).toContain('test_widgets');
    const { rows } = await admin.query<{ relname: string }>(
      'SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity AND relname = ANY($1)',
      [tables],
    );
    expect(rows.map((row) => row.relname).sort()).toEqual(tables);
  });

  it('when the app connects as the non-owner role, then the boot check passes; as the owning superuser, it refuses', async () => {
    await expect(assertRowLevelSecurityRole(app)).resolves.toBeUndefined();
    await expect(assertRowLevelSecurityRole(ownerConnection)).rejects.toThrow(/is a superuser/);
  });

  it('when a tenant is set for the transaction, then it sees only its own rows', async () => {
    const id = await runWithTenant(
      tenantA,
      async () => (await widgets().create({ name: 'a1', internalCode: null })).id,
    );
    await runWithTenant(tenantB, () => widgets().create({ name: 'b1', internalCode: null }));
    expect(await runWithTenant(tenantB, () => widgets().findById(id))).toBeNull();
    expect((await runWithTenant(tenantA, () => widgets().list())).map((w) => w.name)).toEqual(['a1']);
  });

  it('when a query forgets the tenant entirely, then it sees no rows at all', async () => {
    await runWithTenant(tenantA, () => widgets().create({ name: 'hidden', internalCode: null }));
    const [everything] = await app.query<{ n: number }[]>('SELECT count(*)::int AS n FROM test_widgets');
    expect(everything?.n).toBe(0);
    const [asOwner] = (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM test_widgets')).rows;
    expect(asOwner?.n).toBeGreaterThan(0);
  });

  it('when a transaction for one tenant writes a row for another, then the policy refuses it', async () => {
    await expect(
      app.transaction(async (manager) => {
        await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantA]);
        await manager.getRepository(Widget).insert({
          id: randomBytes(16).toString('hex').slice(0, 36),
          name: 'forged',
          tenantId: tenantB,
          internalCode: null,
        });
      }),
    ).rejects.toThrow(/row-level security/);
  });

  it('when a tenant transaction ends, then its setting does not leak to the next user of the pooled connection', async () => {
    const single = createDataSource({ ...config }, modules);
    Object.assign(single.options, { extra: { max: 1 } });
    await single.initialize();
    try {
      await runWithTenant(tenantA, () => new TenantRepository(single, Widget, { rowLevelSecurity: true }).list());
      const [after] = await single.query<{ n: number }[]>('SELECT count(*)::int AS n FROM test_widgets');
      expect(after?.n).toBe(0);
    } finally {
      await single.destroy();
    }
  });
});
