import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { tenantIndex, tenantScopedColumns } from '../../core/index.js';

const instant = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });
const text = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});

export class AuthCreateTables1767225700000 implements MigrationInterface {
  name = 'AuthCreateTables1767225700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'auth_users',
        columns: [
          ...tenantScopedColumns(queryRunner),
          text('email', 254),
          text('passwordHash', 255),
          text('role', 20),
          instant('emailVerifiedAt', true),
          instant('disabledAt', true),
        ],
        indices: [tenantIndex(), { columnNames: ['tenantId', 'email'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'auth_sessions',
        columns: [
          ...tenantScopedColumns(queryRunner),
          text('userId', 36),
          text('device', 100),
          text('ip', 64),
          text('userAgent', 500),
          instant('lastSeenAt'),
          instant('expiresAt'),
          instant('revokedAt', true),
          instant('mfaAt', true),
        ],
        indices: [tenantIndex(), { columnNames: ['userId'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'auth_refresh_tokens',
        columns: [
          ...tenantScopedColumns(queryRunner),
          text('sessionId', 36),
          text('tokenHash', 64),
          instant('idleExpiresAt'),
          instant('usedAt', true),
        ],
        indices: [tenantIndex(), { columnNames: ['sessionId'] }, { columnNames: ['tokenHash'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'auth_one_time_tokens',
        columns: [
          ...tenantScopedColumns(queryRunner),
          text('purpose', 10),
          text('tokenHash', 64),
          text('userId', 36, true),
          text('email', 254),
          text('role', 20, true),
          instant('expiresAt'),
          instant('usedAt', true),
        ],
        indices: [tenantIndex(), { columnNames: ['tokenHash'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'auth_mfa_factors',
        columns: [
          ...tenantScopedColumns(queryRunner),
          text('userId', 36),
          text('kind', 10),
          text('secret', 500),
          instant('confirmedAt', true),
          instant('lastUsedStep', true),
        ],
        indices: [tenantIndex(), { columnNames: ['userId'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'auth_recovery_codes',
        columns: [
          ...tenantScopedColumns(queryRunner),
          text('userId', 36),
          text('codeHash', 64),
          instant('usedAt', true),
        ],
        indices: [tenantIndex(), { columnNames: ['userId'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('auth_recovery_codes');
    await queryRunner.dropTable('auth_mfa_factors');
    await queryRunner.dropTable('auth_one_time_tokens');
    await queryRunner.dropTable('auth_refresh_tokens');
    await queryRunner.dropTable('auth_sessions');
    await queryRunner.dropTable('auth_users');
  }
}
