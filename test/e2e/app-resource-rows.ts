/**
 * Rows for the resources-evolution steps (run by app-migrate-step.ts inside the generated app, with `--rows=<file>`): after a step's
 * migrations, `checkRows` compares every resource table with the rows the previous step left (recorded in a file),
 * so a migration that loses a row or changes a value fails the step; then `seedRows` adds rows of every shape the
 * manifest allows (optional fields empty in one of them, keys pointing at rows of the tables they reference, join
 * rows) and records all rows for the next step. Values are small and whole, so a declared narrowing fits them.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

interface Column {
  databaseName: string;
  type: unknown;
  isNullable: boolean;
}
interface Metadata {
  tableName: string;
  columns: Column[];
  foreignKeys: { columnNames: string[]; referencedTablePath: string }[];
}
export interface RowsDataSource {
  options: { type: string };
  entityMetadatas: Metadata[];
  query(sql: string, parameters?: unknown[]): Promise<Record<string, unknown>[]>;
}
interface Manifest {
  resources: Record<string, { fields: Record<string, { values?: string[]; renamed_from?: string; drop?: boolean }> }>;
}
type Rows = Record<string, Record<string, Record<string, unknown>>>;

const skipped = ['createdAt', 'updatedAt'];
const tenant = 'evolution-tenant';

/** A value as both databases give it back, so SQLite's 3 and PostgreSQL's '3.00' compare equal. */
function normal(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  const text = String(value);
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

const resourceTables = (ds: RowsDataSource) => ds.entityMetadatas.filter((m) => m.columns.some((c) => c.databaseName === 'tenantId'));

async function allRows(ds: RowsDataSource): Promise<Rows> {
  const rows: Rows = {};
  for (const meta of resourceTables(ds)) {
    rows[meta.tableName] = {};
    for (const row of await ds.query(`SELECT * FROM "${meta.tableName}"`)) {
      const kept = Object.fromEntries(Object.entries(row).filter(([k]) => !skipped.includes(k)).map(([k, v]) => [k, normal(v)]));
      (rows[meta.tableName] as Record<string, unknown>)[String(row.id)] = kept;
    }
  }
  return rows;
}

/** Every row the previous step recorded is still there with the same values (a renamed column under its new name). */
export async function checkRows(ds: RowsDataSource, file: string, manifest: Manifest): Promise<string> {
  if (!existsSync(file)) return 'no rows yet';
  const before = JSON.parse(readFileSync(file, 'utf8')) as Rows;
  const now = await allRows(ds);
  let compared = 0;
  for (const [table, rows] of Object.entries(before)) {
    const current = now[table];
    if (current === undefined) continue; // dropped with `drop: true`
    const renames = new Map(Object.entries(manifest.resources[table]?.fields ?? {}).flatMap(([name, f]) => (f.renamed_from ? [[f.renamed_from, name]] : [])));
    for (const [id, row] of Object.entries(rows)) {
      const after = current[id];
      if (after === undefined) throw new Error(`${table}: row ${id} is gone after the step's migrations`);
      for (const [column, value] of Object.entries(row)) {
        const name = renames.get(column) ?? column;
        if (!(name in after)) continue; // dropped column
        // A field made required is backfilled: an empty value may become one, a value may never change.
        if (after[name] !== value && value !== null) {
          throw new Error(`${table}.${name} of row ${id} was ${JSON.stringify(value)} and is ${JSON.stringify(after[name])} after the step's migrations`);
        }
        compared++;
      }
    }
  }
  return `${compared} value(s) kept`;
}

function valueOf(column: Column, manifest: Manifest, table: string, k: number): unknown {
  const values = manifest.resources[table]?.fields[column.databaseName]?.values;
  if (values?.[0] !== undefined) return values[0];
  switch (String(column.type)) {
    case 'integer':
    case 'decimal':
      return k + 2;
    case 'boolean':
      return k % 2 === 0;
    case 'text':
    case 'simple-json':
      return `{"k":${String(k)}}`;
    case 'date':
      return '2026-01-02';
    default:
      // EVOLUTION_VALUE_LENGTH makes strings longer, for a step that must refuse a narrowing they do not fit.
      return `v${String(k)}`.padEnd(Number(process.env.EVOLUTION_VALUE_LENGTH ?? 0), 'x');
  }
}

/** Three rows in each resource table (referenced tables first), one with its optional fields empty; then join rows. */
export async function seedRows(ds: RowsDataSource, file: string, manifest: Manifest): Promise<string> {
  const sqlite = ds.options.type !== 'postgres';
  const mark = (i: number) => (sqlite ? '?' : `$${String(i + 1)}`);
  const insert = (table: string, row: Record<string, unknown>) => {
    const entries = Object.entries(row).map(([k, v]) => [k, sqlite && typeof v === 'boolean' ? Number(v) : v] as const);
    return ds.query(`INSERT INTO "${table}" (${entries.map(([k]) => `"${k}"`).join(', ')}) VALUES (${entries.map((_, i) => mark(i)).join(', ')})`, entries.map(([, v]) => v));
  };
  const order = Object.keys(manifest.resources).filter((name) => manifest.resources[name] !== undefined && !('drop' in (manifest.resources[name] ?? {})));
  const tables = resourceTables(ds);
  const fresh = new Map<string, string[]>();
  let count = 0;
  const isJoin = (m: Metadata) => !order.includes(m.tableName);
  for (const meta of [...order.flatMap((name) => tables.filter((m) => m.tableName === name)), ...tables.filter(isJoin)]) {
    const ids: string[] = [];
    for (let k = 0; k < 3; k++) {
      const row: Record<string, unknown> = { id: randomUUID(), tenantId: tenant };
      for (const column of meta.columns) {
        const name = column.databaseName;
        if (name in row || skipped.includes(name) || name === 'deletedAt') continue;
        const key = meta.foreignKeys.find((f) => f.columnNames.includes(name));
        if (key !== undefined) {
          // A join row pairs a row of this step with any row of the other side, so no pair repeats.
          const own = isJoin(meta) && meta.foreignKeys[0] === key ? fresh.get(key.referencedTablePath) : undefined;
          const [target] = own ? [own[k]] : (await ds.query(`SELECT id FROM "${key.referencedTablePath}" ORDER BY id LIMIT 1`)).map((r) => String(r.id));
          if (target === undefined && !column.isNullable) throw new Error(`${meta.tableName}.${name}: no row of ${key.referencedTablePath} to point at`);
          row[name] = target ?? null;
        } else if (name === 'version') row[name] = 1;
        else row[name] = k === 2 && column.isNullable ? null : valueOf(column, manifest, meta.tableName, k);
      }
      await insert(meta.tableName, row);
      ids.push(String(row.id));
      count++;
    }
    fresh.set(meta.tableName, ids);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(await allRows(ds)));
  return `${count} row(s) added`;
}
