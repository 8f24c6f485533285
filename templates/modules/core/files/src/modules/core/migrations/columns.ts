import type { QueryRunner, TableColumnOptions, TableIndexOptions } from 'typeorm';

/*
 * Column sets for the base entities, in TypeORM's portable schema API. Shipped migrations call these, so their
 * output must never change: a new column set gets a new function.
 */

/** createdAt / updatedAt with the type and default each database uses for CreateDateColumn / UpdateDateColumn. */
export function timestampColumns(queryRunner: QueryRunner): TableColumnOptions[] {
  const types = queryRunner.dataSource.driver.mappedDataTypes;
  return [
    { name: 'createdAt', type: String(types.createDate), default: types.createDateDefault, isNullable: false },
    { name: 'updatedAt', type: String(types.updateDate), default: types.updateDateDefault, isNullable: false },
  ];
}

/** id, tenantId and timestamps of a `TenantScopedEntity`. */
export function tenantScopedColumns(queryRunner: QueryRunner): TableColumnOptions[] {
  return [
    { name: 'id', type: 'varchar', length: '36', isPrimary: true },
    { name: 'tenantId', type: 'varchar', length: '63', isNullable: false },
    ...timestampColumns(queryRunner),
  ];
}

/** The extra column of a `SoftDeletableTenantEntity`. */
export function softDeleteColumn(queryRunner: QueryRunner): TableColumnOptions {
  return {
    name: 'deletedAt',
    type: String(queryRunner.dataSource.driver.mappedDataTypes.deleteDate),
    isNullable: true,
  };
}

/** The tenantId index every tenant table carries; named by TypeORM's naming strategy so the schema diff stays empty. */
export function tenantIndex(): TableIndexOptions {
  return { columnNames: ['tenantId'] };
}
