import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { softDeleteColumn, tenantIndex, tenantScopedColumns } from '../../migrations/columns.js';

export class TestCreateWidgets1767225600001 implements MigrationInterface {
  name = 'TestCreateWidgets1767225600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'test_widgets',
        columns: [
          ...tenantScopedColumns(queryRunner),
          { name: 'name', type: 'varchar', length: '100', isNullable: false },
          { name: 'internalCode', type: 'varchar', length: '100', isNullable: true },
          softDeleteColumn(queryRunner),
        ],
        indices: [tenantIndex()],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('test_widgets');
  }
}
