import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampedEntity } from '../../core/index.js';

/**
 * Which tenant a Stripe customer pays for: the only way a webhook is mapped to a tenant. Stripe calls the webhook
 * for the whole platform, so its worker reads this before any tenant is known: like `tenants`, it is the
 * platform's routing table, outside row-level security (its tenant column is not `tenantId`, the column the
 * policies key on), and it holds that pair and nothing else of the tenant's.
 */
@Entity({ name: 'billing_customers' })
export class BillingCustomer extends TimestampedEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  stripeCustomerId!: string;

  /** One customer per tenant. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 63 })
  tenant!: string;
}
