import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { BillingSubscription } from '../entities/subscription.entity.js';
import { BillingWebhookEvent } from '../entities/webhook-event.entity.js';
import { billingSettings, createStripeClient, ensureCustomer } from '../index.js';
import { startBillingTestApp, WEBHOOK_SECRET } from '../testing/billing-test-app.js';
import { FakeStripe } from '../testing/fake-stripe.js';

const fake = new FakeStripe();
let t: TestApp;

beforeAll(async () => {
  t = await startBillingTestApp(fake);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

/** Stripe redelivers what was not acknowledged: a 2xx must mean the event is stored, never only "seen". */
describe('a webhook while the database is down', () => {
  it('when the event cannot be stored, then no 2xx; once the database is back, the redelivery has one effect', async () => {
    const tenantId = await t.newTenant();
    const stripe = createStripeClient(billingSettings(t.config));
    const customer = await ensureCustomer(t.dataSource, stripe, tenantId);
    const subscription = await stripe.subscriptions.create({ customer, items: [{ price: 'price_pro' }] });
    const delivery = fake.signed(fake.events.at(-1) ?? {}, WEBHOOK_SECRET);
    const deliver = () =>
      request(t.app)
        .post('/billing/webhooks/stripe')
        .set('content-type', 'application/json')
        .set('stripe-signature', delivery.header)
        .send(delivery.payload);
    await t.dataSource.destroy();
    const refused = await deliver();
    expect(refused.status).toBeGreaterThanOrEqual(500);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    await t.dataSource.initialize();
    expect((await deliver()).status).toBe(200);
    expect((await deliver()).status).toBe(200);
    const inbox = t.dataSource.getRepository(BillingWebhookEvent);
    const eventId = (JSON.parse(delivery.payload) as { id: string }).id;
    for (let i = 0; i < 200 && (await inbox.findOneBy({ eventId }))?.status === 'received'; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await inbox.countBy({ eventId })).toBe(1);
    expect((await inbox.findOneByOrFail({ eventId })).status).toBe('applied');
    const rows = await t.dataSource
      .getRepository(BillingSubscription)
      .findBy({ stripeSubscriptionId: subscription.id });
    expect(rows).toMatchObject([{ tenantId, status: 'active' }]);
  });
});
