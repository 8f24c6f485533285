import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';
import { BillingSubscription } from '../entities/subscription.entity.js';
import { BillingWebhookEvent } from '../entities/webhook-event.entity.js';
import { billingSettings, createBillingModule, createStripeClient, ensureCustomer } from '../index.js';
import { FakeStripe } from '../testing/fake-stripe.js';

const SECRET = `whsec_${'a'.repeat(32)}`;
const OLD_SECRET = `whsec_${'b'.repeat(32)}`;
const PATH = '/billing/webhooks/stripe';
const fake = new FakeStripe();
let t: TestApp;

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('timed out');
}

const deliver = (delivery: { payload: string; header: string }) =>
  request(t.app)
    .post(PATH)
    .set('content-type', 'application/json')
    .set('stripe-signature', delivery.header)
    .send(delivery.payload);

async function subscribedTenant() {
  const tenantId = await t.newTenant();
  const stripe = createStripeClient(billingSettings(t.config));
  const customer = await ensureCustomer(t.dataSource, stripe, tenantId);
  const subscription = await stripe.subscriptions.create({ customer, items: [{ price: 'price_pro' }] });
  const event = fake.events.at(-1) as { id: string };
  return { tenantId, stripe, subscription, event };
}

const processed = (eventId: string) => async () =>
  (await t.dataSource.getRepository(BillingWebhookEvent).findOneBy({ eventId }))?.status !== 'received';

beforeAll(async () => {
  const base = await fake.start();
  t = await startTestApp({
    env: {
      STRIPE_SECRET_KEY: 'sk_test_fake',
      STRIPE_API_BASE: base,
      BILLING_WEBHOOK_SECRET: `${SECRET},${OLD_SECRET}`,
    },
    replaceModules: [createBillingModule({ retryBackoffMs: 10 })],
  });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe('POST /billing/webhooks/stripe', () => {
  it('when signed with the current or the previous secret, then it is stored and applied once', async () => {
    const { tenantId, event, subscription } = await subscribedTenant();
    const response = await deliver(fake.signed(fake.events.find((e) => e.id === event.id) ?? {}, OLD_SECRET));
    expect(response.status).toBe(200);
    await until(processed(event.id));
    const stored = await t.dataSource
      .getRepository(BillingSubscription)
      .findOneByOrFail({ stripeSubscriptionId: subscription.id });
    expect(stored).toMatchObject({ tenantId, status: 'active', stripePriceId: 'price_pro' });
  });

  it('when unsigned, wrongly signed, stale, from the future or re-serialized, then 400 and nothing stored', async () => {
    const event = {
      id: 'evt_forged',
      object: 'event',
      type: 'customer.subscription.updated',
      created: 1,
      livemode: false,
      data: { object: {} },
    };
    const now = Math.floor(Date.now() / 1000);
    const good = fake.signed(event, SECRET);
    const cases = [
      request(t.app).post(PATH).set('content-type', 'application/json').send(good.payload),
      deliver(fake.signed(event, `whsec_${'c'.repeat(32)}`)),
      deliver(fake.signed(event, SECRET, now - 400)),
      deliver(fake.signed(event, SECRET, now + 400)),
      deliver({ payload: JSON.stringify(JSON.parse(good.payload), null, 2), header: good.header }),
    ];
    for (const response of await Promise.all(cases)) {
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await t.dataSource.getRepository(BillingWebhookEvent).countBy({ eventId: 'evt_forged' })).toBe(0);
  });

  it('when the OpenAPI document is read, then the webhook is in it, public, with its problem answers', async () => {
    const document = (await request(t.app).get('/openapi.json')).body as {
      paths: Record<
        string,
        { post?: { operationId: string; security: unknown[]; responses: Record<string, unknown> } }
      >;
    };
    const operation = document.paths[PATH]?.post;
    expect(operation?.operationId).toBe('postBillingWebhooksStripe');
    expect(operation?.security).toEqual([{}]);
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '413', '429']));
  });

  it('when the body is over 1 MB, then 413', async () => {
    const big = { id: 'evt_big', padding: 'x'.repeat(1024 * 1024) };
    expect((await deliver(fake.signed(big, SECRET))).status).toBe(413);
  });

  it('when one event arrives 2 times in a row and 10 times at once, then it has exactly one effect', async () => {
    const { event, subscription } = await subscribedTenant();
    const delivery = fake.signed(fake.events.find((e) => e.id === event.id) ?? {}, SECRET);
    expect((await deliver(delivery)).status).toBe(200);
    expect((await deliver(delivery)).status).toBe(200);
    const burst = await Promise.all(Array.from({ length: 10 }, () => deliver(delivery)));
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(200));
    await until(processed(event.id));
    expect(await t.dataSource.getRepository(BillingWebhookEvent).countBy({ eventId: event.id })).toBe(1);
    const refetches = fake.requests.filter(
      (r) => r.method === 'GET' && r.path === `/v1/subscriptions/${subscription.id}`,
    );
    expect(refetches).toHaveLength(1);
  });

  it('when an older event arrives after a newer one, then the newer state stays', async () => {
    const { stripe, subscription, event: created } = await subscribedTenant();
    fake.advance(10);
    await stripe.subscriptions.cancel(subscription.id);
    const deleted = fake.events.at(-1) ?? { id: '' };
    await deliver(fake.signed(deleted, SECRET));
    await until(processed(deleted.id));
    await deliver(fake.signed(fake.events.find((e) => e.id === created.id) ?? {}, SECRET));
    await until(processed(created.id));
    const stored = await t.dataSource
      .getRepository(BillingSubscription)
      .findOneByOrFail({ stripeSubscriptionId: subscription.id });
    expect(stored.status).toBe('canceled');
  });

  it('when an older event is applied after a newer one and Stripe answers a stale read, then the newer state stays', async () => {
    const { stripe, subscription, event: created } = await subscribedTenant();
    fake.advance(10);
    await stripe.subscriptions.update(subscription.id, { items: [{ price: 'price_pro', quantity: 3 }] });
    const updated = fake.events.at(-1) ?? { id: '' };
    await deliver(fake.signed(updated, SECRET));
    await until(processed(updated.id));
    // A read from a lagging replica: Stripe answers the subscription as it was before the update.
    fake.objects.set(subscription.id, {
      ...(fake.objects.get(subscription.id) ?? { id: '' }),
      items: { data: [{ price: { id: 'price_pro' }, quantity: 1 }] },
    });
    await deliver(fake.signed(fake.events.find((e) => e.id === created.id) ?? {}, SECRET));
    await until(processed(created.id));
    const stored = await t.dataSource
      .getRepository(BillingSubscription)
      .findOneByOrFail({ stripeSubscriptionId: subscription.id });
    expect(stored.quantity).toBe(3);
  });

  it('when applying fails at Stripe, then the worker retries and applies it once', async () => {
    const { event, subscription } = await subscribedTenant();
    fake.failNext(2, 500);
    expect((await deliver(fake.signed(fake.events.find((e) => e.id === event.id) ?? {}, SECRET))).status).toBe(200);
    await until(processed(event.id));
    const row = await t.dataSource.getRepository(BillingWebhookEvent).findOneByOrFail({ eventId: event.id });
    expect(row).toMatchObject({ status: 'applied', attempts: 3 });
    expect(
      await t.dataSource.getRepository(BillingSubscription).countBy({ stripeSubscriptionId: subscription.id }),
    ).toBe(1);
  });

  it("when the event's customer is unknown, then it is acknowledged and ignored", async () => {
    const event = {
      id: 'evt_stranger',
      object: 'event',
      type: 'customer.subscription.updated',
      created: 1,
      livemode: false,
      data: { object: { id: 'sub_x', customer: 'cus_unknown', items: { data: [] } } },
    };
    expect((await deliver(fake.signed(event, SECRET))).status).toBe(200);
    await until(processed(event.id));
    expect((await t.dataSource.getRepository(BillingWebhookEvent).findOneByOrFail({ eventId: event.id })).status).toBe(
      'ignored',
    );
  });
});
