import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

const optional = (name: string, length: string) => ({ name, type: 'varchar', length, isNullable: true });

/**
 * The audit trail: records, one head row per chain, and triggers that refuse every UPDATE and DELETE of a record
 * (and TRUNCATE on PostgreSQL), whoever asks, so the app's own database role can only append.
 */
export class AdminAuditTrail1767226100000 implements MigrationInterface {
  name = 'AdminAuditTrail1767226100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'admin_audit_records',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'chain', type: 'varchar', length: '63' },
          { name: 'sequence', type: 'integer' },
          optional('tenant', '63'),
          { name: 'at', type: 'varchar', length: '24' },
          { name: 'action', type: 'varchar', length: '100' },
          { name: 'outcome', type: 'varchar', length: '10' },
          optional('actorType', '10'),
          optional('actorId', '200'),
          optional('impersonatorId', '200'),
          optional('targetType', '100'),
          optional('targetId', '200'),
          optional('ip', '64'),
          optional('userAgent', '500'),
          optional('requestId', '128'),
          optional('reason', '1000'),
          { name: 'changes', type: 'text', isNullable: true },
          { name: 'detail', type: 'text', isNullable: true },
          { name: 'previousHash', type: 'varchar', length: '64' },
          { name: 'hash', type: 'varchar', length: '64' },
        ],
        indices: [{ columnNames: ['chain', 'sequence'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'admin_audit_heads',
        columns: [
          { name: 'chain', type: 'varchar', length: '63', isPrimary: true },
          { name: 'sequence', type: 'integer' },
          { name: 'hash', type: 'varchar', length: '64' },
        ],
      }),
    );
    if (queryRunner.dataSource.options.type === 'postgres') {
      await queryRunner.query(`CREATE FUNCTION admin_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'admin_audit_records is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$`);
      await queryRunner.query(
        `CREATE TRIGGER admin_audit_no_change BEFORE UPDATE OR DELETE ON admin_audit_records FOR EACH ROW EXECUTE FUNCTION admin_audit_append_only()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER admin_audit_no_truncate BEFORE TRUNCATE ON admin_audit_records FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_append_only()`,
      );
    } else {
      for (const operation of ['UPDATE', 'DELETE']) {
        await queryRunner.query(
          `CREATE TRIGGER admin_audit_no_${operation.toLowerCase()} BEFORE ${operation} ON admin_audit_records BEGIN SELECT RAISE(ABORT, 'admin_audit_records is append-only: ${operation} refused'); END`,
        );
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Dropping the table drops its triggers; the function is PostgreSQL's own object.
    await queryRunner.dropTable('admin_audit_heads');
    await queryRunner.dropTable('admin_audit_records');
    if (queryRunner.dataSource.options.type === 'postgres') {
      await queryRunner.query('DROP FUNCTION admin_audit_append_only()');
    }
  }
}
