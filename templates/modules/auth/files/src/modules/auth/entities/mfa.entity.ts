import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';
import { epochMs } from './columns.js';

export type FactorKind = 'totp' | 'email' | 'sms';

/**
 * A user's second factor. `secret` holds the TOTP secret or the SMS number, encrypted with the app's
 * field-encryption keys and bound to the user; email factors send to the account's address and keep nothing.
 */
@Entity({ name: 'auth_mfa_factors' })
export class MfaFactor extends TenantScopedEntity {
  @Index()
  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 10 })
  kind!: FactorKind;

  @Column({ type: 'varchar', length: 500 })
  secret!: string;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  confirmedAt!: number | null;

  /** The last accepted time step: a code of that step or an earlier one is a replay. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  lastUsedStep!: number | null;
}

/** One of a user's ten single-use recovery codes, stored as an HMAC. */
@Entity({ name: 'auth_recovery_codes' })
export class RecoveryCode extends TenantScopedEntity {
  @Index()
  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  usedAt!: number | null;
}
