import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One record of the audit trail, a link of its chain: one chain per tenant (`chain` is the tenant id) and one for
 * acts on the platform itself. Append-only: the migration's triggers refuse every UPDATE and DELETE. Its tenant
 * column is deliberately not `tenantId`, so row-level security (which would hide platform records and records of
 * a tenant the caller's transaction is not set to) stays off it; admin puts the tenant in every WHERE instead.
 */
@Entity({ name: 'admin_audit_records' })
@Index(['chain', 'sequence'], { unique: true })
export class AuditRecordRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 63 })
  chain!: string;

  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ type: 'varchar', length: 63, nullable: true })
  tenant!: string | null;

  /** ISO 8601 in UTC to the millisecond, as text: hashed as written, the same on every database. */
  @Column({ type: 'varchar', length: 24 })
  at!: string;

  @Column({ type: 'varchar', length: 100 })
  action!: string;

  @Column({ type: 'varchar', length: 10 })
  outcome!: string;

  @Column({ type: 'varchar', length: 10, nullable: true })
  actorType!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  impersonatorId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  targetType!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  targetId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  userAgent!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason!: string | null;

  /** Changed fields as canonical JSON `{ field: { before, after } }`, secrets already redacted by core. */
  @Column({ type: 'text', nullable: true })
  changes!: string | null;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ type: 'varchar', length: 64 })
  previousHash!: string;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}
