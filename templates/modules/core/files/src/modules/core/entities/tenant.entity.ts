import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampedEntity } from './base.entity.js';

/** An organisation whose data is kept apart from every other's. The id is a slug: `acme`, `globex-eu`. */
@Entity({ name: 'tenants' })
export class Tenant extends TimestampedEntity {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  // No database default: boolean defaults are spelled differently per database, so the app always sets it.
  @Column({ type: 'boolean' })
  active!: boolean;
}
