import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../webhooks/verify.js';

const stripe = new Stripe('sk_test_verify');
const SECRET = `whsec_${'v'.repeat(32)}`;
const NOW = 1_800_000_000;
const body = JSON.stringify({
  id: 'evt_1',
  object: 'event',
  type: 'ping',
  created: NOW,
  livemode: false,
  data: { object: {} },
});
const header = (timestamp: number, secret = SECRET) =>
  Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
const verify = (signature: string | undefined, tolerance = 300) =>
  verifyWebhook(stripe, Buffer.from(body), signature, [SECRET], tolerance, NOW);

describe('verifyWebhook', () => {
  it('when signed within the tolerance, then it answers the event', () => {
    expect(verify(header(NOW - 300)).id).toBe('evt_1');
    expect(verify(header(NOW - 1), 1).id).toBe('evt_1');
  });

  it('when signed one second before the tolerance, then it is refused as too old', () => {
    expect(() => verify(header(NOW - 301))).toThrow(/too old/);
    expect(() => verify(header(NOW - 2), 1)).toThrow(/too old/);
  });

  it('when signed up to 300 s ahead, then it is accepted; 301 s ahead, refused', () => {
    expect(verify(header(NOW + 300)).id).toBe('evt_1');
    expect(() => verify(header(NOW + 301))).toThrow(/future/);
  });

  it('when the header is missing, has no timestamp or only a signature by another secret, then it is refused', () => {
    expect(() => verify(undefined)).toThrow(/missing/);
    expect(() => verify('v1=abc')).toThrow(/timestamp/);
    expect(() => verify(header(NOW, `whsec_${'x'.repeat(32)}`))).toThrow(/No signature matches/);
  });

  it('when the body is a different serialisation of the same event, then it is refused', () => {
    const respaced = Buffer.from(JSON.stringify(JSON.parse(body) as unknown, null, 1));
    expect(() => verifyWebhook(stripe, respaced, header(NOW), [SECRET], 300, NOW)).toThrow(/No signature matches/);
  });
});
