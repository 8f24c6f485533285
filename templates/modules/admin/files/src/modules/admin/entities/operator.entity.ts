import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A platform operator: runs the platform across tenants, belongs to none. Created only by
 * `npm run admin:create-operator` (never by registration or by any route), signs in with a password and TOTP at
 * once, and holds a token of its own audience that tenant routes refuse.
 */
@Entity({ name: 'admin_operators' })
export class Operator {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  /** The TOTP secret, encrypted with the app's field-encryption keys and bound to the operator's id. */
  @Column({ type: 'varchar', length: 500 })
  totpSecret!: string;

  /** The last accepted TOTP time step: a code of that step or an earlier one is a replay. */
  @Column({ type: 'integer', nullable: true })
  lastUsedStep!: number | null;

  /** ISO 8601 instant, UTC. */
  @Column({ type: 'varchar', length: 24 })
  createdAt!: string;
}
