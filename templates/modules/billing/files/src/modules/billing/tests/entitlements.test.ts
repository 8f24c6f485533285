import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';
import { BillingSubscription } from '../entities/subscription.entity.js';
import { withPlans } from '../testing/plans.js';

let t: TestApp;
const plans = [
  {
    id: 'free',
    name: 'Free',
    amount: 0,
    currency: 'usd',
    interval: 'month' as const,
    features: [],
    limits: { seats: 1 },
    default: true,
  },
  {
    id: 'pro',
    name: 'Pro',
    stripe_price: 'price_pro',
    amount: 2900,
    currency: 'usd',
    interval: 'month' as const,
    features: ['reports.export'],
    limits: { seats: 10 },
    default: false,
  },
];

beforeAll(async () => {
  t = await startTestApp({ configure: (config) => withPlans(config, plans) });
});
afterAll(() => t.close());

async function subscribe(tenantId: string, status: string) {
  const repository = t.dataSource.getRepository(BillingSubscription);
  await repository.save(
    repository.create({
      tenantId,
      stripeSubscriptionId: `sub_${tenantId}`,
      stripeCustomerId: `cus_${tenantId}`,
      status,
      stripePriceId: 'price_pro',
      quantity: 1,
      cancelAtPeriodEnd: false,
      lastEventCreated: 1,
    }),
  );
}

describe("context.entitlements from the manifest's plans", () => {
  it('when a tenant pays for a plan, then its features and limits apply', async () => {
    const tenantId = await t.newTenant();
    await subscribe(tenantId, 'active');
    const { entitlements } = t.instance.context;
    expect(await entitlements.check(tenantId, 'reports.export')).toBe(true);
    expect(await entitlements.limit(tenantId, 'seats')).toBe(10);
    await expect(entitlements.require(tenantId, 'reports.export')).resolves.toBeUndefined();
  });

  it('when a tenant has no live subscription, then the default plan applies and the rest is refused', async () => {
    const canceled = await t.newTenant();
    await subscribe(canceled, 'canceled');
    const { entitlements } = t.instance.context;
    for (const tenantId of [canceled, await t.newTenant()]) {
      expect(await entitlements.check(tenantId, 'reports.export')).toBe(false);
      expect(await entitlements.limit(tenantId, 'seats')).toBe(1);
      expect(await entitlements.limit(tenantId, 'api_calls')).toBe(0);
      await expect(entitlements.require(tenantId, 'reports.export')).rejects.toMatchObject({ status: 403 });
    }
  });
});
