import { Column, Entity, Index, type ValueTransformer } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';

/** A list of names kept as JSON text: the same column type and value on SQLite and PostgreSQL. */
const nameList: ValueTransformer = {
  to: (value: readonly string[] | undefined) => (value === undefined ? undefined : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? [] : (JSON.parse(value) as string[])),
};

/**
 * A role a tenant defined for itself beside the built-in owner, admin and member: a name and the permissions it
 * grants, chosen from those the app's modules declare.
 */
@Entity({ name: 'auth_roles' })
@Index(['tenantId', 'name'], { unique: true })
export class CustomRole extends TenantScopedEntity {
  @Column({ type: 'varchar', length: 20 })
  name!: string;

  @Column({ type: 'varchar', length: 200 })
  description!: string;

  @Column({ type: 'text', transformer: nameList })
  permissions!: string[];
}
