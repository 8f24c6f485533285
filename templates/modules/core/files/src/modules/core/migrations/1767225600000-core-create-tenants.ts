import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampColumns } from './columns.js';

export class CoreCreateTenants1767225600000 implements MigrationInterface {
  name = 'CoreCreateTenants1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'tenants',
        columns: [
          { name: 'id', type: 'varchar', length: '63', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200', isNullable: false },
          { name: 'active', type: 'boolean', isNullable: false },
          ...timestampColumns(queryRunner),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('tenants');
  }
}
