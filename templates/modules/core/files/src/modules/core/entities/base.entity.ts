import { randomUUID } from 'node:crypto';
import {
  BeforeInsert,
  CreateDateColumn,
  DeleteDateColumn,
  Index,
  PrimaryColumn,
  Column,
  UpdateDateColumn,
} from 'typeorm';

/** createdAt / updatedAt, maintained by TypeORM. */
export abstract class TimestampedEntity {
  @CreateDateColumn()
  createdAt!: Date;

  @UpdateDateColumn()
  updatedAt!: Date;
}

/**
 * A row that belongs to one tenant. Reach it only through `TenantRepository`, which adds the tenant to every
 * read and sets it on every write. Ids are UUIDs made by the app, so they are the same type on every database.
 */
export abstract class TenantScopedEntity extends TimestampedEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index()
  @Column({ type: 'varchar', length: 63 })
  tenantId!: string;

  @BeforeInsert()
  protected assignId(): void {
    // Assigned only when absent, so imports and tests can choose their ids.
    if (!this.id) this.id = randomUUID();
  }
}

/** A tenant's row that is hidden rather than removed on delete, for modules that must keep history. */
export abstract class SoftDeletableTenantEntity extends TenantScopedEntity {
  @DeleteDateColumn({ nullable: true })
  deletedAt!: Date | null;
}
