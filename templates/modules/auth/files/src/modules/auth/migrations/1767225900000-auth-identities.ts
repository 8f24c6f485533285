import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { tenantIndex, tenantScopedColumns } from '../../core/index.js';

/** Identities at social and single sign-on providers (oauth_providers). */
export class AuthIdentities1767225900000 implements MigrationInterface {
  name = 'AuthIdentities1767225900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'auth_identities',
        columns: [
          ...tenantScopedColumns(queryRunner),
          { name: 'userId', type: 'varchar', length: '36' },
          { name: 'provider', type: 'varchar', length: '20' },
          { name: 'subject', type: 'varchar', length: '255' },
          { name: 'email', type: 'varchar', length: '254' },
        ],
        indices: [
          tenantIndex(),
          { columnNames: ['userId'] },
          { columnNames: ['tenantId', 'provider', 'subject'], isUnique: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('auth_identities');
  }
}
