/**
 * Run inside a generated app (cwd) with the app's own tsx, against the database its environment names. One
 * process proves what `npm run migration:run`, `migration:check`, one `migration:revert` per migration and a look
 * at the database's catalogue would prove in a dozen spawns of tsx and TypeORM's CLI: every migration applies,
 * the schema then matches the entities exactly, every migration reverts, and no table but TypeORM's own
 * bookkeeping table is left. Exits 1 with the reason on the first failure.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The part of TypeORM's DataSource used here; typeorm itself resolves only from the app's node_modules. */
interface AppDataSource {
  options: { type: string; migrationsTableName?: string };
  migrations: unknown[];
  initialize(): Promise<unknown>;
  destroy(): Promise<void>;
  showMigrations(): Promise<boolean>;
  undoLastMigration(): Promise<void>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  driver: { createSchemaBuilder(): { log(): Promise<{ upQueries: { query: string }[] }> } };
}

const appFile = (path: string) => pathToFileURL(join(process.cwd(), path)).href;

async function upDriftDown(): Promise<string> {
  // What `npm run migration:run` runs: pending migrations, then row-level security or grants when configured.
  await import(appFile('src/db/run-migrations.ts'));
  if (process.exitCode !== undefined && process.exitCode !== 0) throw new Error('src/db/run-migrations.ts failed (its error is above)');

  // What TypeORM's CLI loads for `migration:check` and `migration:revert`.
  const dataSource = ((await import(appFile('src/db/cli-data-source.ts'))) as { default: AppDataSource }).default;
  await dataSource.initialize();
  try {
    const total = dataSource.migrations.length;
    if (total === 0) throw new Error('the app has no migration');
    if (await dataSource.showMigrations()) throw new Error('migrations are still pending after migration:run');

    // `migration:check` is `migration:generate --check`: the queries TypeORM would generate must be none.
    const drift = (await dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
    if (drift.length) throw new Error(`schema drift after every migration ran; TypeORM would still run:\n${drift.join('\n')}`);

    for (let i = 0; i < total; i++) await dataSource.undoLastMigration();

    const bookkeeping = dataSource.options.migrationsTableName ?? 'migrations';
    const recorded = Number((await dataSource.query(`SELECT COUNT(*) AS n FROM "${bookkeeping}"`))[0]?.n);
    if (recorded !== 0) throw new Error(`${recorded} migration(s) still recorded in "${bookkeeping}" after reverting all ${total}`);
    const catalogue =
      dataSource.options.type === 'postgres'
        ? `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
           WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name <> '${bookkeeping}'`
        : `SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '${bookkeeping}'`;
    const left = (await dataSource.query(catalogue)).map((row) => String(row.name));
    if (left.length) throw new Error(`tables left after reverting all ${total} migrations: ${left.join(', ')}`);
    return `${total} migration(s) up, no drift, all down, no app table left`;
  } finally {
    await dataSource.destroy();
  }
}

try {
  console.log(await upDriftDown());
} catch (error: unknown) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
