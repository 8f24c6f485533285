import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { billingSettings, createStripeClient, ensureCustomer } from '../index.js';
import {
  invite,
  registerOwner,
  startBillingTestApp,
  deliverLatestEvent,
  type Member,
} from '../testing/billing-test-app.js';
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

const stripe = () => createStripeClient(billingSettings(t.config));
const checkout = (member: Member, body: object, key?: string) => {
  const call = request(t.app).post('/billing/checkout-sessions').set(member.headers);
  return (key === undefined ? call : call.set('idempotency-key', key)).send(body);
};
const lastCall = (path: string) => fake.requests.filter((r) => r.path === path).at(-1);

/** Subscribes the tenant at the fake and applies Stripe's webhook, as a completed Checkout would. */
async function subscribe(tenantId: string, price: string) {
  const customer = await ensureCustomer(t.dataSource, stripe(), tenantId);
  await stripe().subscriptions.create({ customer, items: [{ price }] });
  expect(await deliverLatestEvent(t, fake)).toBe('applied');
}

describe('GET /billing/subscription', () => {
  it('when the tenant pays nothing, then the default plan; once subscribed, the paid plan', async () => {
    const owner = await registerOwner(t);
    const before = await request(t.app).get('/billing/subscription').set(owner.headers).expect(200);
    expect(before.body).toEqual({
      plan: { id: 'free', name: 'Free' },
      status: null,
      quantity: null,
      cancelAtPeriodEnd: false,
    });
    await subscribe(owner.tenantId, 'price_team');
    const member = await invite(t, owner, 'member');
    const after = await request(t.app).get('/billing/subscription').set(member.headers).expect(200);
    expect(after.body).toMatchObject({ plan: { id: 'team' }, status: 'active', quantity: 1 });
    await request(t.app).get('/billing/subscription').expect(401);
  });
});

describe('POST /billing/checkout-sessions', () => {
  it("when a billing admin picks a plan, then Checkout sells that plan's price to the tenant's customer", async () => {
    const owner = await registerOwner(t);
    const response = await checkout(owner, { plan: 'pro' }).expect(201);
    expect((response.body as { url: string }).url).toMatch(/^https:\/\/stripe\.test\/cs\//);
    const customer = await ensureCustomer(t.dataSource, stripe(), owner.tenantId);
    const session = [...fake.objects.values()].filter((o) => o.object === 'checkout.session').at(-1);
    expect(session).toMatchObject({
      mode: 'subscription',
      customer,
      client_reference_id: owner.tenantId,
      line_items: [{ price: 'price_pro', quantity: '1' }],
    });
  });

  it('when the client names a price, an unknown plan or a free one, then it is refused and Stripe is not called', async () => {
    const owner = await registerOwner(t);
    const calls = fake.requests.length;
    await checkout(owner, { plan: 'pro', price: 'price_cheap' }).expect(422);
    await checkout(owner, { plan: 'pro', amount: 1 }).expect(422);
    await checkout(owner, { plan: 'gold' }).expect(400);
    await checkout(owner, { plan: 'free' }).expect(400);
    expect(fake.requests.length).toBe(calls);
  });

  it('when the same Idempotency-Key comes again, then the same session; with another body, 409', async () => {
    const owner = await registerOwner(t);
    const first = await checkout(owner, { plan: 'pro' }, 'order-123456').expect(201);
    const again = await checkout(owner, { plan: 'pro' }, 'order-123456').expect(201);
    expect(again.body).toEqual(first.body);
    await checkout(owner, { plan: 'team' }, 'order-123456').expect(409);
    // Another tenant's same key is another key at Stripe.
    const other = await registerOwner(t);
    const theirs = await checkout(other, { plan: 'pro' }, 'order-123456').expect(201);
    expect(theirs.body).not.toEqual(first.body);
    await checkout(owner, { plan: 'pro' }, 'bad key!').expect(400);
  });

  it('when the tenant already has a live subscription, then 409 (no second subscription)', async () => {
    const owner = await registerOwner(t);
    await subscribe(owner.tenantId, 'price_pro');
    await checkout(owner, { plan: 'team' }).expect(409);
  });

  it('when a member without billing:manage, or nobody, asks, then 403 or 401', async () => {
    const owner = await registerOwner(t);
    const member = await invite(t, owner, 'member');
    await checkout(member, { plan: 'pro' }).expect(403);
    await request(t.app).post('/billing/portal-sessions').set(member.headers).expect(403);
    await request(t.app).post('/billing/checkout-sessions').send({ plan: 'pro' }).expect(401);
    const admin = await invite(t, owner, 'admin');
    await checkout(admin, { plan: 'pro' }).expect(201);
  });

  it('when Stripe fails, then 502 without its detail', async () => {
    const owner = await registerOwner(t);
    await ensureCustomer(t.dataSource, stripe(), owner.tenantId);
    fake.failNext(1, 500);
    const response = await checkout(owner, { plan: 'pro' }).expect(502);
    expect(JSON.stringify(response.body)).not.toMatch(/Injected/);
  });
});

describe('POST /billing/subscription/cancel and /resume', () => {
  const post = (member: Member, action: string, key?: string) => {
    const call = request(t.app).post(`/billing/subscription/${action}`).set(member.headers);
    return key === undefined ? call : call.set('idempotency-key', key);
  };

  it('when a billing admin cancels at period end and then resumes, then Stripe and, after its webhook, the tenant see it', async () => {
    const owner = await registerOwner(t);
    await subscribe(owner.tenantId, 'price_pro');
    const canceled = await post(owner, 'cancel').expect(200);
    expect(canceled.body).toEqual({ status: 'active', cancelAtPeriodEnd: true });
    expect(await deliverLatestEvent(t, fake)).toBe('applied');
    const view = await request(t.app).get('/billing/subscription').set(owner.headers).expect(200);
    expect(view.body).toMatchObject({ plan: { id: 'pro' }, status: 'active', cancelAtPeriodEnd: true });
    await post(owner, 'resume').expect(200, { status: 'active', cancelAtPeriodEnd: false });
    expect(await deliverLatestEvent(t, fake)).toBe('applied');
    const resumed = await request(t.app).get('/billing/subscription').set(owner.headers).expect(200);
    expect(resumed.body).toMatchObject({ cancelAtPeriodEnd: false });
  });

  it("when another tenant, a member or a tenant without a subscription asks, then nothing changes anyone's", async () => {
    const owner = await registerOwner(t);
    await subscribe(owner.tenantId, 'price_pro');
    const member = await invite(t, owner, 'member');
    await post(member, 'cancel').expect(403);
    const stranger = await registerOwner(t);
    await post(stranger, 'cancel').expect(404);
    const subscription = [...fake.objects.values()].filter((o) => o.object === 'subscription').at(-1);
    expect(subscription?.cancel_at_period_end).toBe(false);
  });

  it('when the same Idempotency-Key cancels and then resumes, then the second is a 409', async () => {
    const owner = await registerOwner(t);
    await subscribe(owner.tenantId, 'price_pro');
    await post(owner, 'cancel', 'change-123456').expect(200);
    await post(owner, 'cancel', 'change-123456').expect(200);
    await post(owner, 'resume', 'change-123456').expect(409);
  });
});

describe('POST /billing/portal-sessions', () => {
  it("when a billing admin opens the portal, then it is the tenant's own customer's", async () => {
    const owner = await registerOwner(t);
    const response = await request(t.app).post('/billing/portal-sessions').set(owner.headers).expect(201);
    expect((response.body as { url: string }).url).toMatch(/^https:\/\/stripe\.test\/bps\//);
    const customer = await ensureCustomer(t.dataSource, stripe(), owner.tenantId);
    const session = [...fake.objects.values()].filter((o) => o.object === 'billing_portal.session').at(-1);
    expect(session).toMatchObject({ customer, return_url: billingSettings(t.config).returnUrl });
    expect(lastCall('/v1/billing_portal/sessions')?.status).toBe(200);
  });
});

describe('GET /billing/invoices', () => {
  async function invoicesOf(tenantId: string, count: number): Promise<string[]> {
    const customer = await ensureCustomer(t.dataSource, stripe(), tenantId);
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      fake.advance(1);
      ids.push((await stripe().invoices.create({ customer })).id);
    }
    return ids.reverse();
  }
  const page = (member: Member, query: Record<string, string>) =>
    request(t.app).get('/billing/invoices').set(member.headers).query(query);

  it("when a tenant walks its invoices page by page, then it sees all of its own, newest first, and none of another's", async () => {
    const a = await registerOwner(t);
    const b = await registerOwner(t);
    const mine = await invoicesOf(a.tenantId, 5);
    const theirs = await invoicesOf(b.tenantId, 2);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await page(a, { limit: '2', ...(cursor === null ? {} : { cursor }) }).expect(200);
      const body = response.body as { items: { id: string; total: number }[]; nextCursor: string | null };
      seen.push(...body.items.map((item) => item.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual(mine);
    expect(pages).toBe(3);
    const bList = (await page(b, {}).expect(200)).body as { items: { id: string }[] };
    expect(bList.items.map((item) => item.id)).toEqual(theirs);
  });

  it("when a cursor is another tenant's, forged or the limit is out of range, then 400", async () => {
    const a = await registerOwner(t);
    const b = await registerOwner(t);
    await invoicesOf(a.tenantId, 3);
    const first = (await page(a, { limit: '1' }).expect(200)).body as { nextCursor: string };
    await page(b, { cursor: first.nextCursor }).expect(400);
    const forged = Buffer.from(JSON.stringify(['billing.invoices', a.tenantId, 1, 'cus_x'])).toString('base64url');
    await page(a, { cursor: forged }).expect(400);
    await page(a, { limit: '0' }).expect(400);
    await page(a, { limit: '101' }).expect(400);
  });

  it('when the tenant never had a customer, then an empty page without calling Stripe', async () => {
    const owner = await registerOwner(t);
    const calls = fake.requests.length;
    expect((await page(owner, {}).expect(200)).body).toEqual({ items: [], nextCursor: null });
    expect(fake.requests.length).toBe(calls);
  });
});
