import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { tenantIndex, tenantScopedColumns } from '../../core/index.js';

/** The items table. A migration that has shipped never changes: a later change is a new migration. */
export class __className__CreateItems__timestamp__ implements MigrationInterface {
  name = '__className__CreateItems__timestamp__';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: '__name___items',
        columns: [...tenantScopedColumns(queryRunner), { name: 'title', type: 'varchar', length: '500' }],
        indices: [tenantIndex()],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('__name___items');
  }
}
