import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';
import { epochMs } from './columns.js';

/** A built-in role (owner, admin, member) or the name of one of the tenant's own roles. */
export type Role = string;

/** An account. Users belong to one tenant; the same email in two tenants is two accounts. */
@Entity({ name: 'auth_users' })
@Index(['tenantId', 'email'], { unique: true })
export class User extends TenantScopedEntity {
  /** Lower-cased and trimmed: the identifier lockout and lookups count by. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 20 })
  role!: Role;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  emailVerifiedAt!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  disabledAt!: number | null;
}
