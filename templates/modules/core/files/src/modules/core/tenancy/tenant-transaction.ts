import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { runWithTenant } from './tenant-context.js';

/** The transaction `tenantTransaction` runs, for the tenant repositories of its data source called inside it. */
const unitOfWork = new AsyncLocalStorage<{ dataSource: DataSource; manager: EntityManager }>();

/**
 * Runs tenant-scoped work. With row-level security on, each unit of work is its own transaction whose first
 * statement sets the tenant with `set_config(..., true)` (the function form of `SET LOCAL`): the setting dies
 * with the transaction, so a pooled connection never carries one tenant's id into another request.
 */
export type TenantRunner = <T>(tenantId: string, work: (manager: EntityManager) => Promise<T>) => Promise<T>;

export function createTenantRunner(dataSource: DataSource, rowLevelSecurity: boolean): TenantRunner {
  const alone: TenantRunner =
    !rowLevelSecurity || dataSource.options.type !== 'postgres'
      ? (_tenantId, work) => work(dataSource.manager)
      : (tenantId, work) =>
          dataSource.transaction(async (manager) => {
            await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
            return work(manager);
          });
  // Inside `tenantTransaction` on the same data source, work joins its transaction: all of it commits or none.
  return (tenantId, work) => {
    const unit = unitOfWork.getStore();
    return unit?.dataSource === dataSource ? work(unit.manager) : alone(tenantId, work);
  };
}

/**
 * The manager for work outside any tenant (a table shared by every tenant): the transaction of the
 * `tenantTransaction` being run on `dataSource`, if any, else the data source's own manager.
 */
export function transactionManager(dataSource: DataSource): EntityManager {
  const unit = unitOfWork.getStore();
  return unit?.dataSource === dataSource ? unit.manager : dataSource.manager;
}

/**
 * Runs `work` in one transaction as `tenantId`: the current tenant for everything it awaits and, with row-level
 * security on PostgreSQL, the transaction's `app.tenant_id`. Tenant repositories of `dataSource` that `work`
 * awaits run their statements in this transaction too, so a failure part-way leaves nothing behind.
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
      return unitOfWork.run({ dataSource, manager }, () => work(manager));
    }),
  );
}
