import type { Resource } from '../../manifest/resource-checks.js';
import { dependenciesOf } from '../../manifest/resource-checks.js';
import { printArray } from './layout.js';
import type { ResourceModel } from './model.js';

/*
 * The first migration of each resource: its table, and the join tables of its many_to_many relations, created in
 * an order where every table a key points to exists already. Migrations are numbered, not timestamped, so the
 * same manifest always gives the same files; the numbers sit above every module's timestamps.
 */

/** The first resource migration's number; the n-th is this plus n. */
export const firstMigrationNumber = 2_000_000_000_000;

export interface MigrationModel {
  number: number;
  className: string;
  /** src/resources/migrations/<number>-create-<resource>.ts */
  file: string;
}

/** Resources in the order their tables can be created: the ones they point to first, else manifest order. */
export function creationOrder(resources: readonly Resource[]): Resource[] {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const order: Resource[] = [];
  const done = new Set<string>();
  const visit = (resource: Resource) => {
    if (done.has(resource.name)) return;
    done.add(resource.name); // loops are refused when the manifest is read
    for (const target of dependenciesOf(resource)) visit(byName.get(target) as Resource);
    order.push(resource);
  };
  resources.forEach(visit);
  return order;
}

export function migrationOf(model: ResourceModel, index: number): MigrationModel {
  const number = firstMigrationNumber + index + 1;
  return {
    number,
    className: `ResourcesCreate${model.plural.className}${number}`,
    file: `src/resources/migrations/${number}-create-${model.plural.fileName}.ts`,
  };
}

const keyColumn = (name: string, nullable: boolean) => `{ name: '${name}', type: 'varchar', length: '36', isNullable: ${String(nullable)} }`;
const foreignKey = (column: string, table: string, onDelete: string) =>
  `{ columnNames: ['${column}'], referencedTableName: '${table}', referencedColumnNames: ['id'], onDelete: '${onDelete}' }`;

/** The tables the migration creates, each as the lines of its `new Table({...})` properties. */
export function tablesOf(model: ResourceModel): { name: string; columns: string; indices: string; foreignKeys: string }[] {
  const indent = 8;
  const own = {
    name: model.name,
    columns: printArray(indent, 'columns: ', [
      '...tenantScopedColumns(queryRunner)',
      ...model.fields.map((f) => f.migration),
      ...model.keys.map((k) => keyColumn(k.property, k.nullable)),
      ...(model.softDelete ? ['softDeleteColumn(queryRunner)'] : []),
      ...(model.versioned ? ["{ name: 'version', type: 'integer', isNullable: false }"] : []),
    ], ','),
    indices: printArray(indent, 'indices: ', [
      'tenantIndex()',
      ...model.unique.map((p) => `{ columnNames: ['tenantId', '${p}'], isUnique: true }`),
      ...model.keys.filter((k) => k.unique).map((k) => `{ columnNames: ['tenantId', '${k.property}'], isUnique: true }`),
      ...model.fields.filter((f) => f.entity[0] === '@Index()').map((f) => `{ columnNames: ['${f.property}'] }`),
      ...model.keys.map((k) => `{ columnNames: ['${k.property}'] }`),
    ], ','),
    foreignKeys: model.keys.length ? printArray(indent, 'foreignKeys: ', model.keys.map((k) => foreignKey(k.property, k.target.resource, k.onDelete)), ',') : '',
  };
  const joins = model.collections.map((c) => ({
    name: c.table,
    columns: printArray(indent, 'columns: ', ['...tenantScopedColumns(queryRunner)', keyColumn(c.ownKey, false), keyColumn(c.otherKey, false)], ','),
    indices: printArray(indent, 'indices: ', ['tenantIndex()', `{ columnNames: ['${c.ownKey}', '${c.otherKey}'], isUnique: true }`, `{ columnNames: ['${c.otherKey}'] }`], ','),
    foreignKeys: printArray(indent, 'foreignKeys: ', [foreignKey(c.ownKey, model.name, 'CASCADE'), foreignKey(c.otherKey, c.target.resource, 'CASCADE')], ','),
  }));
  return [own, ...joins];
}
