import { Column, Entity } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';

/** One tenant's item: reached only through TenantRepository, which scopes every query to the tenant. */
@Entity({ name: '__name___items' })
export class __className__Item extends TenantScopedEntity {
  @Column({ type: 'varchar', length: 500 })
  title!: string;
}
