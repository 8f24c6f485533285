import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last link of each chain. Appending locks this row (PostgreSQL `FOR UPDATE`; SQLite has one writer), so two
 * writers of one tenant take turns and never both extend the same record: the chain cannot fork.
 */
@Entity({ name: 'admin_audit_heads' })
export class AuditHead {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  chain!: string;

  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}
