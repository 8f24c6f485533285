import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { tenantIndex, tenantScopedColumns } from '../../core/index.js';

/** Roles a tenant defines for itself (custom roles beside owner, admin and member). */
export class AuthRoles1767226000000 implements MigrationInterface {
  name = 'AuthRoles1767226000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'auth_roles',
        columns: [
          ...tenantScopedColumns(queryRunner),
          { name: 'name', type: 'varchar', length: '20' },
          { name: 'description', type: 'varchar', length: '200' },
          { name: 'permissions', type: 'text' },
        ],
        indices: [tenantIndex(), { columnNames: ['tenantId', 'name'], isUnique: true }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('auth_roles');
  }
}
