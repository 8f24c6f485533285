/**
 * Run inside a generated app (cwd) with the app's own tsx, against the database its environment names, after each
 * regeneration of a sequence: the pending migrations apply to the database as the previous step left it, and the
 * schema then equals the one the entities describe (TypeORM's diff is empty), as if migrated fresh. With `down`,
 * every migration reverts and no app table is left. Exits 1 with the reason on the first failure.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

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

async function step(down: boolean): Promise<string> {
  await import(appFile('src/db/run-migrations.ts'));
  if (process.exitCode !== undefined && process.exitCode !== 0) throw new Error('src/db/run-migrations.ts failed (its error is above)');
  const dataSource = ((await import(appFile('src/db/cli-data-source.ts'))) as { default: AppDataSource }).default;
  await dataSource.initialize();
  try {
    if (await dataSource.showMigrations()) throw new Error('migrations are still pending after migration:run');
    const drift = (await dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
    if (drift.length) throw new Error(`schema drift after the step's migrations; TypeORM would still run:\n${drift.join('\n')}`);
    if (!down) return `${dataSource.migrations.length} migration(s), no drift`;
    for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration();
    const bookkeeping = dataSource.options.migrationsTableName ?? 'migrations';
    const catalogue =
      dataSource.options.type === 'postgres'
        ? `SELECT table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name <> '${bookkeeping}'`
        : `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '${bookkeeping}'`;
    const left = (await dataSource.query(catalogue)).map((row) => String(row.name));
    if (left.length) throw new Error(`tables left after reverting every migration: ${left.join(', ')}`);
    return `${dataSource.migrations.length} migration(s), no drift, all down`;
  } finally {
    await dataSource.destroy();
  }
}

try {
  console.log(await step(process.argv.includes('down')));
} catch (error: unknown) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
