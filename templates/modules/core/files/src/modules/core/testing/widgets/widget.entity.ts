import { Column, Entity } from 'typeorm';
import { SoftDeletableTenantEntity } from '../../entities/base.entity.js';

/** A test-only tenant-scoped entity: it proves the isolation every real module's entities get. */
@Entity({ name: 'test_widgets' })
export class Widget extends SoftDeletableTenantEntity {
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Marked sensitive by the widgets module: stored, never sent. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  internalCode!: string | null;
}
