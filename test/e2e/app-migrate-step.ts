/**
 * Run inside a generated app (cwd) with the app's own tsx, against the database its environment names, after each
 * regeneration of a sequence: the pending migrations apply to the database as the previous step left it, and the
 * schema then equals the one the entities describe (TypeORM's diff is empty), as if migrated fresh. With `down`,
 * every migration reverts and no app table is left. With `--rows=<file>`, the rows the previous step left must be
 * there unchanged, and new rows are added before the next step (app-resource-rows.ts). Exits 1 with the reason on
 * the first failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkRows, seedRows, type RowsDataSource } from './app-resource-rows.js';

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

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rowsFile = option('rows');
/** The e2e writes forge.yaml as JSON (YAML's subset); forge may have put its modeline comment above it. */
const readManifest = () => JSON.parse(readFileSync('forge.yaml', 'utf8').replace(/^#.*$/gm, '')) as Parameters<typeof seedRows>[2];

/**
 * `--refused=<text>`: the pending migrations must stop with an error that says `text` (a declared narrowing that
 * rows do not fit), stay pending, and leave every row as it was.
 */
async function refusedStep(text: string): Promise<string> {
  const errors: string[] = [];
  const print = console.error;
  console.error = (...args: unknown[]) => errors.push(args.map(String).join(' '));
  try {
    await import(appFile('src/db/run-migrations.ts'));
  } finally {
    console.error = print;
  }
  if (process.exitCode !== 1) throw new Error(`the migrations ran; they should have stopped with "${text}"`);
  process.exitCode = 0;
  if (!errors.join('\n').includes(text)) throw new Error(`the migrations stopped, but not with "${text}":\n${errors.join('\n')}`);
  const dataSource = ((await import(appFile('src/db/cli-data-source.ts'))) as { default: AppDataSource }).default;
  await dataSource.initialize();
  try {
    if (!(await dataSource.showMigrations())) throw new Error('the stopped migration is not pending any more');
    const kept = rowsFile === undefined ? '' : `, ${await checkRows(dataSource as unknown as RowsDataSource, rowsFile, readManifest())}`;
    return `stopped as expected (${errors.join(' ').trim()})${kept}`;
  } finally {
    await dataSource.destroy();
  }
}

async function step(down: boolean): Promise<string> {
  await import(appFile('src/db/run-migrations.ts'));
  if (process.exitCode !== undefined && process.exitCode !== 0) throw new Error('src/db/run-migrations.ts failed (its error is above)');
  const dataSource = ((await import(appFile('src/db/cli-data-source.ts'))) as { default: AppDataSource }).default;
  await dataSource.initialize();
  try {
    if (await dataSource.showMigrations()) throw new Error('migrations are still pending after migration:run');
    const drift = (await dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
    if (drift.length) throw new Error(`schema drift after the step's migrations; TypeORM would still run:\n${drift.join('\n')}`);
    let rows = '';
    if (rowsFile !== undefined) {
      const manifest = readManifest();
      const rowsSource = dataSource as unknown as RowsDataSource;
      rows = `, ${await checkRows(rowsSource, rowsFile, manifest)}${down ? '' : `, ${await seedRows(rowsSource, rowsFile, manifest)}`}`;
    }
    if (!down) return `${dataSource.migrations.length} migration(s), no drift${rows}`;
    for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration();
    const bookkeeping = dataSource.options.migrationsTableName ?? 'migrations';
    const catalogue =
      dataSource.options.type === 'postgres'
        ? `SELECT table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name <> '${bookkeeping}'`
        : `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '${bookkeeping}'`;
    const left = (await dataSource.query(catalogue)).map((row) => String(row.name));
    if (left.length) throw new Error(`tables left after reverting every migration: ${left.join(', ')}`);
    return `${dataSource.migrations.length} migration(s), no drift${rows}, all down`;
  } finally {
    await dataSource.destroy();
  }
}

try {
  const refused = option('refused');
  console.log(refused === undefined ? await step(process.argv.includes('down')) : await refusedStep(refused));
} catch (error: unknown) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
