import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Platform operators: principals of their own, outside every tenant. */
export class AdminOperators1767226200000 implements MigrationInterface {
  name = 'AdminOperators1767226200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'admin_operators',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'passwordHash', type: 'varchar', length: '255' },
          { name: 'totpSecret', type: 'varchar', length: '500' },
          { name: 'lastUsedStep', type: 'integer', isNullable: true },
          { name: 'createdAt', type: 'varchar', length: '24' },
        ],
        indices: [{ columnNames: ['email'], isUnique: true }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('admin_operators');
  }
}
