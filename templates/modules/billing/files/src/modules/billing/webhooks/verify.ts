import type Stripe from 'stripe';
import { HttpError } from '../../core/index.js';
import { WEBHOOK_FUTURE_LIMIT_SECONDS } from '../settings.js';

/** A webhook's event once its signature has been checked against one of the endpoint's secrets. */
export type VerifiedEvent = Stripe.Event;

const refused = (detail: string) => new HttpError(400, { title: 'Invalid webhook', detail });

/**
 * Checks the Stripe-Signature header over the exact bytes received, against every accepted secret (rotation),
 * within `toleranceSeconds` of now and no more than WEBHOOK_FUTURE_LIMIT_SECONDS ahead (the SDK allows any
 * future timestamp).
 */
export function verifyWebhook(
  stripe: Stripe,
  body: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  toleranceSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): VerifiedEvent {
  if (header === undefined || header === '') throw refused('The Stripe-Signature header is missing.');
  const timestamp = Number(/(?:^|,)t=(\d{1,12})(?:,|$)/.exec(header)?.[1]);
  if (!Number.isSafeInteger(timestamp)) throw refused('The Stripe-Signature header has no timestamp.');
  if (timestamp - nowSeconds > WEBHOOK_FUTURE_LIMIT_SECONDS) throw refused('The signed timestamp is in the future.');
  for (const secret of secrets) {
    try {
      return stripe.webhooks.constructEvent(body, header, secret, toleranceSeconds, undefined, nowSeconds * 1000);
    } catch (error) {
      // A signature that matches but is too old fails the same way under every secret.
      if (error instanceof Error && /tolerance/i.test(error.message)) throw refused('The signed timestamp is too old.');
    }
  }
  throw refused('No signature matches the body with an accepted secret.');
}
