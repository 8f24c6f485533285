import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config.js';
import type { AppModule } from '../modules/core/index.js';
import { modules as installedModules } from '../modules.js';

const MIGRATIONS_TABLE = 'migrations';
// A connection that is not made in time fails: against a silent host, queries (and each /ready) would otherwise
// wait for ever and pile up in the pool.
const CONNECT_TIMEOUT_MS = 5000;

/** Entities and migrations of every installed module, in module order. */
function collect(modules: readonly AppModule[]): Pick<DataSourceOptions, 'entities' | 'migrations'> {
  return {
    entities: modules.flatMap((module) => module.entities ?? []),
    migrations: modules.flatMap((module) => module.migrations ?? []),
  };
}

/**
 * PostgreSQL when DATABASE_URL is set, otherwise SQLite in SQLITE_PATH: same entities, same migrations.
 * `synchronize` stays off everywhere; the schema changes only through migrations. `owner` connects as the
 * role that owns the tables (MIGRATION_DATABASE_URL when set), for migrations. `connectTimeoutMs` is for tests of
 * outages, which would otherwise wait out the production timeout.
 */
export function createDataSource(
  config: AppConfig,
  modules: readonly AppModule[] = installedModules,
  options: { owner?: boolean; connectTimeoutMs?: number } = {},
): DataSource {
  const common = {
    ...collect(modules),
    migrationsTableName: MIGRATIONS_TABLE,
    synchronize: false,
    // A failed query is thrown, and logged censored by the app's logger; TypeORM's console logger would print its
    // bound parameters in clear. At trace outside production, every query and its parameters are printed for
    // debugging; in production they would put password hashes and tokens in the logs.
    logging: config.env.LOG_LEVEL === 'trace' && config.env.NODE_ENV !== 'production' ? ('all' as const) : false,
    // `findOneBy({ id: undefined })` must not quietly mean "the first row".
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
  } satisfies Partial<DataSourceOptions>;

  const url = (options.owner === true ? config.env.MIGRATION_DATABASE_URL : undefined) ?? config.env.DATABASE_URL;
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL: only postgres:// URLs are supported');
    return new DataSource({
      ...common,
      type: 'postgres',
      url,
      extra: { max: 10, connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS },
    });
  }

  const file = config.env.SQLITE_PATH;
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return new DataSource({ ...common, type: 'better-sqlite3', database: file, enableWAL: true });
}
