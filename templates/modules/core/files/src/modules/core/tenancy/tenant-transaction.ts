import type { DataSource, EntityManager } from 'typeorm';
import { runWithTenant } from './tenant-context.js';

/**
 * Runs tenant-scoped work. With row-level security on, each unit of work is its own transaction whose first
 * statement sets the tenant with `set_config(..., true)` (the function form of `SET LOCAL`): the setting dies
 * with the transaction, so a pooled connection never carries one tenant's id into another request.
 */
export type TenantRunner = <T>(tenantId: string, work: (manager: EntityManager) => Promise<T>) => Promise<T>;

export function createTenantRunner(dataSource: DataSource, rowLevelSecurity: boolean): TenantRunner {
  if (!rowLevelSecurity || dataSource.options.type !== 'postgres') {
    return (_tenantId, work) => work(dataSource.manager);
  }
  return (tenantId, work) =>
    dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return work(manager);
    });
}

/**
 * Runs `work` in one transaction as `tenantId`: the current tenant for everything it awaits and, with row-level
 * security on PostgreSQL, the transaction's `app.tenant_id`.
 */
export function tenantTransaction<T>(
  dataSource: DataSource,
  rowLevelSecurity: boolean,
  tenantId: string,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const setsTenant = rowLevelSecurity && dataSource.options.type === 'postgres';
  return runWithTenant(tenantId, () =>
    dataSource.transaction(async (manager) => {
      if (setsTenant) await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return work(manager);
    }),
  );
}
