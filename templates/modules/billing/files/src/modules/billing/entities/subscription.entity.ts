import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../../core/index.js';
import { bigintNumber } from './columns.js';

/** A tenant's Stripe subscription as last applied from a webhook: what its entitlements are read from. */
@Entity({ name: 'billing_subscriptions' })
export class BillingSubscription extends TenantScopedEntity {
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 255 })
  stripeSubscriptionId!: string;

  @Column({ type: 'varchar', length: 255 })
  stripeCustomerId!: string;

  /** Stripe's status: trialing, active, past_due, unpaid, canceled, incomplete, incomplete_expired, paused. */
  @Column({ type: 'varchar', length: 32 })
  status!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  stripePriceId!: string | null;

  @Column({ type: 'integer' })
  quantity!: number;

  @Column({ type: 'boolean' })
  cancelAtPeriodEnd!: boolean;

  /** `created` (Unix seconds) of the newest event applied: an older one never overwrites this state. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  lastEventCreated!: number;
}
