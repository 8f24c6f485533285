import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';
import { epochMs } from './columns.js';

/** One login on one device: the family of refresh tokens that rotate from it. */
@Entity({ name: 'auth_sessions' })
export class Session extends TenantScopedEntity {
  @Index()
  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 100 })
  device!: string;

  @Column({ type: 'varchar', length: 64 })
  ip!: string;

  @Column({ type: 'varchar', length: 500 })
  userAgent!: string;

  @Column({ type: 'bigint', transformer: epochMs })
  lastSeenAt!: number;

  /** The absolute end of the session, whatever its refreshes. */
  @Column({ type: 'bigint', transformer: epochMs })
  expiresAt!: number;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt!: number | null;

  /** When the session passed a second factor; null while it rests on the password alone. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  mfaAt!: number | null;
}
