import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeStripe } from '../testing/fake-stripe.js';
import { STRIPE_API_VERSION } from '../settings.js';

const fake = new FakeStripe();
let stripe: Stripe;

beforeAll(async () => {
  const base = new URL(await fake.start());
  stripe = new Stripe('sk_test_fake', {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 0,
    host: base.hostname,
    port: Number(base.port),
    protocol: 'http',
  });
});
afterAll(() => fake.stop());

describe('the fake Stripe, driven by the real SDK', () => {
  it('when a subscription is created, updated and canceled, then each step is an event and the state follows', async () => {
    const customer = await stripe.customers.create({ email: 'payer@example.com' });
    const product = await stripe.products.create({ name: 'Pro' });
    const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2900 });
    const created = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 2 }],
    });
    const updated = await stripe.subscriptions.update(created.id, { cancel_at_period_end: true });
    const canceled = await stripe.subscriptions.cancel(created.id);
    expect(created.items.data[0]).toMatchObject({ price: { id: price.id }, quantity: 2 });
    expect(updated.cancel_at_period_end).toBe(true);
    expect(canceled.status).toBe('canceled');
    expect((await stripe.subscriptions.retrieve(created.id)).status).toBe('canceled');
    // Newest first, as Stripe lists.
    const types = (await stripe.events.list({ limit: 3 })).data.map((event) => event.type);
    expect(types).toEqual([
      'customer.subscription.deleted',
      'customer.subscription.updated',
      'customer.subscription.created',
    ]);
  });

  it('when an idempotency key is reused with the same body, then the first answer is replayed', async () => {
    const first = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'same-key' });
    const second = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'same-key' });
    expect(second.id).toBe(first.id);
  });

  it('when an idempotency key is reused with another body, then Stripe refuses it', async () => {
    await stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'other-key' });
    await expect(
      stripe.customers.create({ email: 'c@example.com' }, { idempotencyKey: 'other-key' }),
    ).rejects.toMatchObject({ type: 'StripeIdempotencyError' });
  });

  it('when faults are set, then exactly the next N calls fail with that status and are logged', async () => {
    fake.failNext(1, 429);
    fake.failNext(1, 500);
    await expect(stripe.customers.create({})).rejects.toMatchObject({ statusCode: 429 });
    await expect(stripe.customers.create({})).rejects.toMatchObject({ statusCode: 500 });
    await expect(stripe.customers.create({})).resolves.toMatchObject({ object: 'customer' });
    expect(fake.requests.slice(-3).map((r) => r.status)).toEqual([429, 500, 200]);
  });

  it('when an unknown object is asked for, then it answers 404 as Stripe does', async () => {
    await expect(stripe.invoices.retrieve('in_missing')).rejects.toMatchObject({ statusCode: 404 });
    await expect(stripe.invoices.list()).resolves.toMatchObject({ data: [] });
  });

  it('when a webhook is signed by the fake, then the SDK verifies it with the same secret', () => {
    const secret = `whsec_${'f'.repeat(32)}`;
    const { payload, header } = fake.signed({ id: 'evt_x', object: 'event' }, secret);
    expect(stripe.webhooks.constructEvent(payload, header, secret).id).toBe('evt_x');
    expect(() => stripe.webhooks.constructEvent(payload, header, `whsec_${'g'.repeat(32)}`)).toThrow();
  });
});
