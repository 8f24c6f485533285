import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';

export type OAuthProvider = 'google' | 'github' | 'oidc';

/** An account at a social or single sign-on provider, linked to one user of the tenant. */
@Entity({ name: 'auth_identities' })
@Index(['tenantId', 'provider', 'subject'], { unique: true })
export class Identity extends TenantScopedEntity {
  @Index()
  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 20 })
  provider!: OAuthProvider;

  /** The provider's stable id of the account (`sub`, or GitHub's numeric id): emails change, this does not. */
  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  /** The verified address the provider vouched for when the identity was linked. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;
}
