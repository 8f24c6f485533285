import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';

/** The Stripe customer that pays for a tenant: the only way a webhook is mapped to a tenant. */
@Entity({ name: 'billing_customers' })
export class BillingCustomer extends TenantScopedEntity {
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 255 })
  stripeCustomerId!: string;
}
