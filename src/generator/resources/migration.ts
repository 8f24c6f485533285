import type { Resource } from '../../manifest/resource-checks.js';
import { dependenciesOf } from '../../manifest/resource-checks.js';
import { printArray } from './layout.js';
import type { ResourceModel } from './model.js';
import { tablesOfModel, type TableSnapshot } from './snapshot.js';

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

/** A table's `new Table({...})` properties as the create migration writes them, at the indent of its body. */
export function tableProperties(table: TableSnapshot): { name: string; columns: string; indices: string; foreignKeys: string } {
  const indent = 8;
  return {
    name: table.name,
    columns: printArray(indent, 'columns: ', table.columns.map((c) => c.code), ','),
    indices: printArray(indent, 'indices: ', table.indices, ','),
    foreignKeys: table.foreignKeys.length ? printArray(indent, 'foreignKeys: ', table.foreignKeys.map((f) => f.code), ',') : '',
  };
}

/** The tables the resource's first migration creates. */
export function tablesOf(model: ResourceModel): ReturnType<typeof tableProperties>[] {
  return tablesOfModel(model).map(tableProperties);
}
