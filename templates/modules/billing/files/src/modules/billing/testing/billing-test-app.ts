import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { AppConfig } from '../../../config.js';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';
import { BillingWebhookEvent } from '../entities/webhook-event.entity.js';
import { createBillingModule } from '../index.js';
import type { FakeStripe } from './fake-stripe.js';
import { withPlans } from './plans.js';

export const WEBHOOK_SECRET = `whsec_${'t'.repeat(32)}`;

/** The plans the tests are written against, whatever forge.yaml sells. */
export const TEST_PLANS = [
  { id: 'free', name: 'Free', amount: 0, currency: 'usd', interval: 'month', features: [], limits: {}, default: true },
  ...['pro', 'team'].map((id) => ({
    id,
    name: id.toUpperCase(),
    stripe_price: `price_${id}`,
    amount: id === 'pro' ? 2900 : 9900,
    currency: 'usd',
    interval: 'month',
    features: ['reports.export'],
    limits: { seats: id === 'pro' ? 10 : 50 },
    default: false,
  })),
];

/**
 * The app in-process against `fake`, with the test plans and the auth settings the billing tests log in with
 * (open registration, bearer tokens, no second factor), whatever the manifest chose.
 */
export async function startBillingTestApp(fake: FakeStripe, options: { rowLevelSecurity?: boolean } = {}) {
  const base = await fake.start();
  return startTestApp({
    ...options,
    env: { STRIPE_SECRET_KEY: 'sk_test_fake', STRIPE_API_BASE: base, BILLING_WEBHOOK_SECRET: WEBHOOK_SECRET },
    replaceModules: [createBillingModule({ retryBackoffMs: 10 })],
    configure: (config: AppConfig) =>
      withPlans(
        {
          ...config,
          core: { ...config.core, tenantResolution: 'header', tenantHeader: 'x-tenant-id' },
          auth: {
            ...config.auth,
            registration: 'open',
            tokenTransport: 'bearer',
            mfaRequired: false,
            requireVerifiedEmail: false,
          },
        },
        TEST_PLANS,
      ),
  });
}

export interface Member {
  tenantId: string;
  /** The bearer token, and the tenant named as the tests' app names it (the x-tenant-id header). */
  headers: { authorization: string; 'x-tenant-id': string };
}

const memberOf = (body: { accessToken: string; tenantId: string }): Member => ({
  tenantId: body.tenantId,
  headers: { authorization: `Bearer ${body.accessToken}`, 'x-tenant-id': body.tenantId },
});
const password = () => `correct horse ${randomBytes(6).toString('hex')}`;
const email = (role: string) => `${role}-${randomBytes(5).toString('hex')}@example.test`;

/** A new organisation's owner, registered through the API. */
export async function registerOwner(t: TestApp): Promise<Member> {
  const response = await request(t.app)
    .post('/auth/register')
    .send({ email: email('owner'), password: password(), tenantName: 'Acme Inc' })
    .expect(201);
  const body = response.body as { accessToken: string; tenantId: string };
  return memberOf(body);
}

/** A member of `owner`'s organisation with `role`, through an emailed invitation. */
export async function invite(t: TestApp, owner: Member, role: string): Promise<Member> {
  const address = email(role);
  await request(t.app).post('/auth/invitations').set(owner.headers).send({ email: address, role }).expect(201);
  const token = t.sentMail.filter((message) => message.to === address).at(-1)?.token;
  const response = await request(t.app)
    .post('/auth/register')
    .send({ email: address, password: password(), inviteToken: token })
    .expect(201);
  const body = response.body as { accessToken: string; tenantId: string };
  return memberOf(body);
}

/** Delivers the fake's latest event, signed, and waits until the worker has applied or ignored it; its status. */
export async function deliverLatestEvent(t: TestApp, fake: FakeStripe): Promise<string> {
  const event = fake.events.at(-1) ?? { id: '' };
  const delivery = fake.signed(event, WEBHOOK_SECRET);
  await request(t.app)
    .post('/billing/webhooks/stripe')
    .set('content-type', 'application/json')
    .set('stripe-signature', delivery.header)
    .send(delivery.payload)
    .expect(200);
  const inbox = t.dataSource.getRepository(BillingWebhookEvent);
  for (let i = 0; i < 200 && (await inbox.findOneBy({ eventId: event.id }))?.status === 'received'; i += 1)
    await new Promise((resolve) => setTimeout(resolve, 25));
  return (await inbox.findOneByOrFail({ eventId: event.id })).status;
}
