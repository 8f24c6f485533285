import client from 'prom-client';
import type { DataSource } from 'typeorm';
import type { AfterQueryEvent, EntitySubscriberInterface } from 'typeorm';
import type { PromMetrics } from './registry.js';

const OPERATIONS = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'begin',
  'commit',
  'rollback',
  'start',
  'savepoint',
  'release',
  'create',
  'alter',
  'drop',
  'with',
  'set',
]);

/** The SQL verb of a query (`select`, `insert`, …, or `other`): a bounded label, never the SQL itself. */
export function sqlOperation(query: string): string {
  const verb = /^\s*([A-Za-z]+)/.exec(query)?.[1]?.toLowerCase() ?? 'other';
  return OPERATIONS.has(verb) ? verb : 'other';
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max?: number };
}

/** The pg pool behind TypeORM's PostgreSQL driver; undefined on SQLite (one synchronous connection). */
function pgPool(dataSource: DataSource): PgPool | undefined {
  const master = (dataSource.driver as { master?: Partial<PgPool> }).master;
  return typeof master?.totalCount === 'number' ? (master as PgPool) : undefined;
}

/**
 * Keeps `subscriber` among the data source's subscribers: TypeORM installs a new array on every initialize()
 * (a reconnect after destroy()), which would silently drop a subscriber pushed once. Returns the undo.
 */
function keepSubscribed(dataSource: DataSource, subscriber: EntitySubscriberInterface): () => void {
  let current = dataSource.subscribers;
  const ensure = () => {
    if (!current.includes(subscriber)) current.push(subscriber);
  };
  ensure();
  Object.defineProperty(dataSource, 'subscribers', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (next: EntitySubscriberInterface[]) => {
      current = next;
      ensure();
    },
  });
  return () => {
    Object.defineProperty(dataSource, 'subscribers', {
      configurable: true,
      enumerable: true,
      writable: true,
      value: current.filter((s) => s !== subscriber),
    });
  };
}

/**
 * Times every query TypeORM runs (its `afterQuery` event) and exports the connection pool's use at each scrape.
 * SQLite reports a pool of one connection that is never waited for. Survives a reconnect of the data source.
 */
export function instrumentDatabase(metrics: PromMetrics, dataSource: DataSource): () => void {
  const subscriber: EntitySubscriberInterface = {
    afterQuery(event: AfterQueryEvent) {
      const operation = sqlOperation(event.query);
      if (event.success && event.executionTime !== undefined)
        metrics.dbDuration.observe({ operation }, event.executionTime / 1000);
      else if (!event.success) metrics.dbErrors.inc({ operation });
    },
  };
  const unsubscribe = keepSubscribed(dataSource, subscriber);
  new client.Gauge({
    name: 'db_pool_connections',
    help: 'Database connections by state: in_use, idle, waiting (requests queued for a connection)',
    labelNames: ['state'] as const,
    registers: [metrics.registry],
    collect() {
      const pg = pgPool(dataSource);
      const total = pg?.totalCount ?? 1;
      const idle = pg?.idleCount ?? 1;
      this.set({ state: 'in_use' }, total - idle);
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'waiting' }, pg?.waitingCount ?? 0);
    },
  });
  new client.Gauge({
    name: 'db_pool_max_connections',
    help: 'Largest number of connections the database pool opens',
    registers: [metrics.registry],
    collect() {
      this.set(pgPool(dataSource)?.options.max ?? 1);
    },
  });
  return () => {
    unsubscribe();
    metrics.registry.removeSingleMetric('db_pool_connections');
    metrics.registry.removeSingleMetric('db_pool_max_connections');
  };
}
