import type { FieldModel } from './fields.js';
import type { ResourceModel } from './model.js';

/*
 * The schema forge last generated migrations for, kept in .forge/resources.json: the next generation diffs the
 * manifest against it (no database needed) and writes a migration for exactly what changed, and it lists the
 * migrations that shipped, which are written again as they were and never re-rendered.
 */

export const snapshotPath = '.forge/resources.json';

export interface ColumnSnapshot {
  name: string;
  /** The column's TableColumnOptions as the migration writes them, or a call (`softDeleteColumn(queryRunner)`). */
  code: string;
  type: string;
  length?: number;
  precision?: number;
  scale?: number;
  nullable: boolean;
  /** SQL of the value existing rows get when the column is added to a table that has rows. */
  fill?: string;
  /** An enum's values (a value taken away may be held by rows). */
  values?: string[];
}

export interface TableSnapshot {
  name: string;
  /** The resource it belongs to (its own table, or a join table of its many_to_many). */
  resource: string;
  columns: ColumnSnapshot[];
  indices: string[];
  foreignKeys: { column: string; code: string }[];
}

export interface Snapshot {
  migrations: { number: number; file: string }[];
  tables: Record<string, TableSnapshot>;
}

const baseColumns: ColumnSnapshot = { name: '(id, tenantId, createdAt, updatedAt)', code: '...tenantScopedColumns(queryRunner)', type: 'base', nullable: false };
/** The base columns of a `scope: global` resource: no tenantId. A resource never changes scope (see evolve.ts). */
const globalBaseColumns: ColumnSnapshot = { name: '(id, createdAt, updatedAt)', code: '...globalColumns(queryRunner)', type: 'base', nullable: false };
const keyColumn = (name: string, nullable: boolean): ColumnSnapshot => ({
  name,
  code: `{ name: '${name}', type: 'varchar', length: '36', isNullable: ${String(nullable)} }`,
  type: 'varchar',
  length: 36,
  nullable,
});
const foreignKey = (column: string, table: string, onDelete: string) => ({
  column,
  code: `{ columnNames: ['${column}'], referencedTableName: '${table}', referencedColumnNames: ['id'], onDelete: '${onDelete}' }`,
});

function fieldColumn(field: FieldModel): ColumnSnapshot {
  return {
    name: field.property,
    code: field.migration,
    type: field.columnType,
    ...(field.length === undefined ? {} : { length: field.length }),
    ...(field.precision === undefined ? {} : { precision: field.precision, scale: field.scale }),
    nullable: field.nullable,
    ...(field.fill === undefined ? {} : { fill: field.fill }),
    ...(field.values === undefined ? {} : { values: field.values }),
  };
}

/** The columns unique per tenant: unique fields, and the keys of one_to_one relations. */
export const uniqueColumns = (model: ResourceModel): string[] => [...model.unique, ...model.keys.filter((k) => k.unique).map((k) => k.property)];

/**
 * The condition of a unique index: on a soft-deleting resource only the rows not deleted take part, so a deleted
 * row frees its value. A partial index, `WHERE "deletedAt" IS NULL`, which SQLite and PostgreSQL both read the same.
 */
export const uniqueWhere = (model: ResourceModel): string => (model.softDelete ? `, where: '"deletedAt" IS NULL'` : '');

/** The tables of one resource as its migrations must leave them. */
export function tablesOfModel(model: ResourceModel): TableSnapshot[] {
  const base = model.global ? globalBaseColumns : baseColumns;
  const tenantIndices = model.global ? [] : ['tenantIndex()'];
  const scoped = (column: string) => (model.global ? `'${column}'` : `'tenantId', '${column}'`);
  const own: TableSnapshot = {
    name: model.name,
    resource: model.name,
    columns: [
      base,
      ...model.fields.map(fieldColumn),
      ...model.keys.map((k) => keyColumn(k.property, k.nullable)),
      ...(model.softDelete ? [{ name: 'deletedAt', code: 'softDeleteColumn(queryRunner)', type: 'deleteDate', nullable: true }] : []),
      ...(model.versioned ? [{ name: 'version', code: "{ name: 'version', type: 'integer', isNullable: false }", type: 'integer', nullable: false, fill: '1' }] : []),
    ],
    indices: [
      ...tenantIndices,
      ...uniqueColumns(model).map((p) => `{ columnNames: [${scoped(p)}], isUnique: true${uniqueWhere(model)} }`),
      ...model.fields.filter((f) => f.entity[0] === '@Index()').map((f) => `{ columnNames: ['${f.property}'] }`),
      ...model.keys.map((k) => `{ columnNames: ['${k.property}'] }`),
    ],
    foreignKeys: model.keys.map((k) => foreignKey(k.property, k.target.resource, k.onDelete)),
  };
  const joins = model.collections.map((c) => ({
    name: c.table,
    resource: model.name,
    columns: [base, keyColumn(c.ownKey, false), keyColumn(c.otherKey, false)],
    indices: [...tenantIndices, `{ columnNames: ['${c.ownKey}', '${c.otherKey}'], isUnique: true }`, `{ columnNames: ['${c.otherKey}'] }`],
    foreignKeys: [foreignKey(c.ownKey, model.name, 'CASCADE'), foreignKey(c.otherKey, c.target.resource, 'CASCADE')],
  }));
  return [own, ...joins];
}

export function snapshotJson(snapshot: Snapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

export function parseSnapshot(text: string | undefined): Snapshot | undefined {
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as Snapshot;
  if (!Array.isArray(parsed.migrations) || typeof parsed.tables !== 'object') throw new Error('not a resources snapshot');
  return parsed;
}
