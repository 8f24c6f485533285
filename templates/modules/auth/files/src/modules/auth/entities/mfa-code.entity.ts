import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';
import { epochMs } from './columns.js';

/**
 * A one-time code sent by email or SMS, stored as an HMAC. `binding` is the HMAC of what the code was sent for
 * (one login challenge, or one session's enrolment of a factor), so a code never answers anything else.
 */
@Entity({ name: 'auth_mfa_codes' })
export class MfaCode extends TenantScopedEntity {
  @Index()
  @Column({ type: 'varchar', length: 64 })
  binding!: string;

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 10 })
  channel!: 'email' | 'sms';

  @Column({ type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ type: 'bigint', transformer: epochMs })
  expiresAt!: number;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  usedAt!: number | null;
}
