import type { DataSource } from 'typeorm';

/**
 * PostgreSQL row-level security: a second wall behind TenantRepository. Every table of an entity with a
 * `tenantId` column gets FORCE RLS and a policy that shows and accepts only rows of the tenant named by
 * `app.tenant_id`, which TenantRepository sets per transaction. With no tenant set, a query sees nothing.
 */
const POLICY = 'tenant_isolation';
const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

export function tenantTables(dataSource: DataSource): string[] {
  const tables = dataSource.entityMetadatas
    .filter((meta) => meta.findColumnWithPropertyName('tenantId') !== undefined)
    .map((meta) => meta.tableName);
  return [...new Set(tables)].sort();
}

/**
 * Run by the tables' owner after the migrations (idempotent): the app's own role (when it is not the owner) gets
 * plain data access, so it reads and writes rows but can neither change the schema nor switch policies off.
 */
export async function grantDataAccess(dataSource: DataSource, appRole: string): Promise<void> {
  if (dataSource.options.type !== 'postgres') return;
  await dataSource.transaction(async (manager) => {
    await manager.query(`GRANT USAGE ON SCHEMA public TO ${quote(appRole)}`);
    await manager.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${quote(appRole)}`);
    await manager.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${quote(appRole)}`);
  });
}

/**
 * Run by the tables' owner after the migrations (idempotent): policies on every tenant table, and the app's
 * own role granted plain data access, so it neither owns the tables nor can switch the policies off.
 */
export async function enableRowLevelSecurity(dataSource: DataSource, appRole?: string): Promise<string[]> {
  if (dataSource.options.type !== 'postgres') return [];
  const tables = tenantTables(dataSource);
  const tenantMatches = `"tenantId" = current_setting('app.tenant_id', true)`;
  await dataSource.transaction(async (manager) => {
    for (const table of tables.map(quote)) {
      await manager.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await manager.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await manager.query(`DROP POLICY IF EXISTS ${POLICY} ON ${table}`);
      await manager.query(`CREATE POLICY ${POLICY} ON ${table} USING (${tenantMatches}) WITH CHECK (${tenantMatches})`);
    }
  });
  if (appRole !== undefined) await grantDataAccess(dataSource, appRole);
  return tables;
}

interface RoleRow {
  name: string;
  rolsuper: boolean;
  rolbypassrls: boolean;
}

/** Refuses to serve through a connection that would walk through the wall: superuser, BYPASSRLS, or owner. */
export async function assertRowLevelSecurityRole(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') return;
  const [role] = await dataSource.query<RoleRow[]>(
    'SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
  );
  const owned = await dataSource.query<{ tablename: string }[]>(
    'SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tableowner = current_user AND tablename = ANY($1)',
    [tenantTables(dataSource)],
  );
  const problems = [
    role?.rolsuper === true ? 'is a superuser' : undefined,
    role?.rolbypassrls === true ? 'has BYPASSRLS' : undefined,
    owned.length > 0 ? `owns ${owned.map((row) => row.tablename).join(', ')}` : undefined,
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    throw new Error(
      `CORE_ROW_LEVEL_SECURITY is on, but the DATABASE_URL role "${role?.name ?? '?'}" ${problems.join(' and ')}: ` +
        'connect the app as a role that neither owns the tables nor bypasses RLS, and run migrations as the owner with MIGRATION_DATABASE_URL',
    );
  }
}
