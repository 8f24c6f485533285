import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantTransaction } from '../../core/index.js';
import type { TestApp } from '../../core/testing/test-app.js';
import { BillingSubscription } from '../entities/subscription.entity.js';
import { billingSettings, createStripeClient, ensureCustomer } from '../index.js';
import { deliverLatestEvent, startBillingTestApp } from '../testing/billing-test-app.js';
import { FakeStripe } from '../testing/fake-stripe.js';

const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') === true;
const fake = new FakeStripe();

/**
 * Stripe calls the webhook for the whole platform, so the worker starts outside any tenant: behind row-level
 * security it must still find the customer's tenant, and then write only as that tenant.
 */
describe.skipIf(!onPostgres)('billing behind PostgreSQL row-level security', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startBillingTestApp(fake, { rowLevelSecurity: true });
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  it('when a subscription event arrives, then the worker applies it as the tenant of its stored customer', async () => {
    const tenantId = await t.newTenant();
    const stripe = createStripeClient(billingSettings(t.config));
    const customer = await ensureCustomer(t.dataSource, stripe, tenantId);
    expect(await ensureCustomer(t.dataSource, stripe, tenantId)).toBe(customer);
    const subscription = await stripe.subscriptions.create({ customer, items: [{ price: 'price_pro' }] });
    expect(await deliverLatestEvent(t, fake)).toBe('applied');
    const read = (tenant: string) =>
      tenantTransaction(t.dataSource, true, tenant, (manager) =>
        manager.findOneBy(BillingSubscription, { stripeSubscriptionId: subscription.id }),
      );
    expect(await read(tenantId)).toMatchObject({ tenantId, status: 'active', stripePriceId: 'price_pro' });
    // The wall holds: another tenant, and a query naming no tenant, see nothing of it.
    expect(await read(await t.newTenant())).toBeNull();
    expect(await t.dataSource.getRepository(BillingSubscription).countBy({ tenantId })).toBe(0);
    expect(await t.instance.context.entitlements.check(tenantId, 'reports.export')).toBe(true);
  });
});
