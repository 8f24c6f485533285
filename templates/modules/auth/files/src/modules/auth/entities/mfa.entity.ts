import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';
import { epochMs } from './columns.js';

/** A user's TOTP factor. The secret is encrypted with the app's field-encryption keys, bound to the user. */
@Entity({ name: 'auth_mfa_factors' })
export class MfaFactor extends TenantScopedEntity {
  @Index()
  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 10 })
  kind!: 'totp';

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
