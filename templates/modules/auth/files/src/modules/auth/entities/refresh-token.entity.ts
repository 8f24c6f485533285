import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';
import { epochMs } from './columns.js';

/** One refresh token of a session, stored as the SHA-256 of its secret. A used one presented again revokes the session. */
@Entity({ name: 'auth_refresh_tokens' })
export class RefreshToken extends TenantScopedEntity {
  @Index()
  @Column({ type: 'varchar', length: 36 })
  sessionId!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: 'bigint', transformer: epochMs })
  idleExpiresAt!: number;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  usedAt!: number | null;
}
