import type Stripe from 'stripe';
import type { DataSource } from 'typeorm';
import { BillingCustomer } from '../entities/customer.entity.js';

/**
 * The tenant's Stripe customer, created on first use. The idempotency key is derived from the tenant, so
 * concurrent first uses create one customer at Stripe and store one row (the tenant is unique).
 */
export async function ensureCustomer(dataSource: DataSource, stripe: Stripe, tenantId: string): Promise<string> {
  const repository = dataSource.getRepository(BillingCustomer);
  const stored = await repository.findOneBy({ tenant: tenantId });
  if (stored !== null) return stored.stripeCustomerId;
  const customer = await stripe.customers.create(
    { metadata: { tenant_id: tenantId } },
    { idempotencyKey: `tenant-${tenantId}-customer` },
  );
  try {
    await repository.insert(repository.create({ tenant: tenantId, stripeCustomerId: customer.id }));
  } catch (error) {
    const winner = await repository.findOneBy({ tenant: tenantId });
    if (winner === null) throw error;
    return winner.stripeCustomerId;
  }
  return customer.id;
}

/** The tenant's Stripe customer id, if it has one yet. */
export async function customerOfTenant(dataSource: DataSource, tenantId: string): Promise<string | undefined> {
  return (await dataSource.getRepository(BillingCustomer).findOneBy({ tenant: tenantId }))?.stripeCustomerId;
}

/** The tenant a Stripe customer pays for, read without a tenant (the webhook worker's only way to find one). */
export async function tenantOfCustomer(dataSource: DataSource, stripeCustomerId: string): Promise<string | undefined> {
  return (await dataSource.getRepository(BillingCustomer).findOneBy({ stripeCustomerId }))?.tenant;
}
