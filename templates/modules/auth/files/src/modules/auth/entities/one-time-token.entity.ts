import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';
import { epochMs } from './columns.js';

/** `change`: the link that moves an account to a new email address; `oauth`: a social login's code for the front end. */
export type OneTimePurpose = 'reset' | 'verify' | 'invite' | 'change' | 'oauth';

/** A single-use, expiring token sent by email (password reset, email verification, invitation, email change), stored hashed. */
@Entity({ name: 'auth_one_time_tokens' })
export class OneTimeToken extends TenantScopedEntity {
  @Column({ type: 'varchar', length: 10 })
  purpose!: OneTimePurpose;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** The role an invitation grants. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  role!: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  expiresAt!: number;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  usedAt!: number | null;
}
