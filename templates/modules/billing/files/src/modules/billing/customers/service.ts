import type Stripe from 'stripe';
import type { DataSource } from 'typeorm';
import { BillingCustomer } from '../entities/customer.entity.js';

/**
 * The tenant's Stripe customer, created on first use. The idempotency key is derived from the tenant, so
 * concurrent first uses create one customer at Stripe and store one row.
 */
export async function ensureCustomer(dataSource: DataSource, stripe: Stripe, tenantId: string): Promise<string> {
  const repository = dataSource.getRepository(BillingCustomer);
  const stored = await repository.findOneBy({ tenantId });
  if (stored !== null) return stored.stripeCustomerId;
  const customer = await stripe.customers.create(
    { metadata: { tenant_id: tenantId } },
    { idempotencyKey: `tenant-${tenantId}-customer` },
  );
  try {
    await repository.insert(repository.create({ tenantId, stripeCustomerId: customer.id }));
  } catch (error) {
    if ((await repository.countBy({ tenantId })) === 0) throw error;
  }
  return customer.id;
}
