import Stripe from 'stripe';
import { STRIPE_API_VERSION, type BillingSettings } from './settings.js';

/**
 * The Stripe SDK at the pinned API version. The SDK does not retry: the webhook worker's job retries do, with
 * backoff, and an idempotency key makes each retried write safe.
 */
export function createStripeClient(settings: BillingSettings): Stripe {
  const base = settings.apiBase;
  return new Stripe(settings.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 0,
    timeout: 10_000,
    telemetry: false,
    ...(base === undefined
      ? {}
      : {
          host: base.hostname,
          port: base.port === '' ? (base.protocol === 'https:' ? 443 : 80) : Number(base.port),
          protocol: base.protocol === 'http:' ? 'http' : 'https',
        }),
  });
}
