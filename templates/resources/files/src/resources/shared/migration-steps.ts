import type { QueryRunner, TableColumn } from 'typeorm';

/*
 * The steps of a change migration (src/resources/migrations/*-change-*.ts) that keep the rows of a column whose
 * type, length, digits or nullability change, on SQLite and PostgreSQL alike.
 */

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The column's type as PostgreSQL spells it in ALTER COLUMN ... TYPE. */
function postgresType(column: TableColumn): string {
  if (column.type === 'varchar') return `varchar(${column.length})`;
  if (column.type === 'decimal') return `numeric(${String(column.precision)},${String(column.scale)})`;
  return column.type;
}

/**
 * Changes a column in place, keeping its values. On PostgreSQL TypeORM's changeColumn drops and re-adds a column
 * whose type or length changes (its data gone), so the column is altered there: `ALTER COLUMN ... TYPE ... USING`
 * (indices on it are rebuilt by PostgreSQL), then its NOT NULL. SQLite has no ALTER COLUMN: TypeORM rebuilds the
 * table, copying every row and re-creating its indices and foreign keys.
 */
export async function retypeColumn(
  queryRunner: QueryRunner,
  table: string,
  from: TableColumn,
  to: TableColumn,
): Promise<void> {
  if (queryRunner.dataSource.driver.options.type !== 'postgres') {
    await queryRunner.changeColumn(table, from, to);
    return;
  }
  const column = quoted(to.name);
  const [before, after] = [postgresType(from), postgresType(to)];
  if (before !== after) {
    await queryRunner.query(
      `ALTER TABLE ${quoted(table)} ALTER COLUMN ${column} TYPE ${after} USING ${column}::${after}`,
    );
  }
  if (from.isNullable !== to.isNullable) {
    await queryRunner.query(
      `ALTER TABLE ${quoted(table)} ALTER COLUMN ${column} ${to.isNullable ? 'DROP' : 'SET'} NOT NULL`,
    );
  }
}

async function count(queryRunner: QueryRunner, sql: string): Promise<number> {
  const rows = (await queryRunner.query(sql)) as { count: number | string }[];
  return Number(rows[0]?.count ?? 0);
}

/**
 * Stops the migration, changing nothing, when rows of `table` match `rows` (an SQL condition): a narrowing declared
 * with `narrow: true` in forge.yaml never truncates or rounds a value silently.
 */
export async function requireFits(queryRunner: QueryRunner, table: string, rows: string, what: string): Promise<void> {
  const found = await count(queryRunner, `SELECT COUNT(*) AS "count" FROM ${quoted(table)} WHERE ${rows}`);
  if (found > 0) {
    throw new Error(
      `${table}: ${String(found)} row(s) ${what} (${rows}), which the new column cannot hold; change or remove those rows, then migrate again`,
    );
  }
}

/** Gives the rows without a value `value` (an SQL literal), before the column becomes NOT NULL. */
export async function backfillColumn(
  queryRunner: QueryRunner,
  table: string,
  column: string,
  value: string,
): Promise<void> {
  await queryRunner.query(`UPDATE ${quoted(table)} SET ${quoted(column)} = ${value} WHERE ${quoted(column)} IS NULL`);
}

/** Stops the migration with the number of duplicates before a unique index is added to `columns` of `table`. */
export async function requireUnique(
  queryRunner: QueryRunner,
  table: string,
  columns: readonly string[],
  where?: string,
): Promise<void> {
  const list = columns.map(quoted).join(', ');
  const filled = columns.map((c) => `${quoted(c)} IS NOT NULL`).join(' AND ');
  const sql = `SELECT COUNT(*) AS "count" FROM (SELECT 1 FROM ${quoted(table)} WHERE ${filled}${where === undefined ? '' : ` AND (${where})`} GROUP BY ${list} HAVING COUNT(*) > 1) duplicates`;
  const found = await count(queryRunner, sql);
  if (found > 0) {
    throw new Error(
      `${table}: ${String(found)} value(s) of ${columns.join(', ')} appear in more than one row, so they cannot become unique; change those rows, then migrate again`,
    );
  }
}
