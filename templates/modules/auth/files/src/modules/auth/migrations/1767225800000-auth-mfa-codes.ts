import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { tenantIndex, tenantScopedColumns } from '../../core/index.js';

/** Email and SMS codes of the second factor (a later migration than the first tables: shipped ones never change). */
export class AuthMfaCodes1767225800000 implements MigrationInterface {
  name = 'AuthMfaCodes1767225800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'auth_mfa_codes',
        columns: [
          ...tenantScopedColumns(queryRunner),
          { name: 'binding', type: 'varchar', length: '64' },
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'channel', type: 'varchar', length: '10' },
          { name: 'codeHash', type: 'varchar', length: '64' },
          { name: 'expiresAt', type: 'bigint' },
          { name: 'usedAt', type: 'bigint', isNullable: true },
        ],
        indices: [tenantIndex(), { columnNames: ['binding'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('auth_mfa_codes');
  }
}
