import Stripe from 'stripe';
import { HttpError } from '../core/index.js';

/**
 * A failed Stripe call as the client's answer: a reused Idempotency-Key with another body is the client's 409,
 * anything else Stripe refused or failed is a 502 that names no Stripe detail (the log keeps it).
 */
export function stripeFailure(error: unknown): never {
  if (error instanceof Stripe.errors.StripeIdempotencyError)
    throw new HttpError(409, {
      title: 'Idempotency key reused',
      detail: 'This Idempotency-Key was used with another request; send a new key for a new request.',
    });
  if (error instanceof Stripe.errors.StripeError)
    throw new HttpError(502, { title: 'Payment provider error', detail: 'Stripe did not complete the request.' });
  throw error;
}

/** Stripe's idempotency key for a tenant's operation and the client's own key: the same three, the same key. */
export function idempotencyKey(tenantId: string, operation: string, clientKey: string | undefined): string | undefined {
  return clientKey === undefined ? undefined : `${tenantId}:${operation}:${clientKey}`;
}
