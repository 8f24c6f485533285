import { z } from 'zod';
import { defineRoute, type ModuleContext, type RouteDefinition } from '../../core/index.js';
import { WEBHOOK_BODY_LIMIT_BYTES } from '../settings.js';
import type { WebhookService } from './service.js';

export const WEBHOOK_PATH = '/billing/webhooks/stripe';

const StripeEventBody = z
  .object({
    id: z.string().max(255),
    type: z.string().max(100),
    // Unix seconds, up to the last second of year 9999.
    created: z.int().min(0).max(253_402_300_799).meta({ format: 'int64' }),
    livemode: z.boolean(),
    data: z.object({}),
  })
  .meta({ description: 'A Stripe event, signed in the Stripe-Signature header over these exact bytes' });

/** The webhook Stripe calls: public, its proof is the signature the service checks. */
export function webhookRoutes(_context: ModuleContext, service: WebhookService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: WEBHOOK_PATH,
      summary: 'Receive a Stripe event',
      description:
        'Verifies the Stripe-Signature header, stores the event once in the inbox and acknowledges it; a worker applies it.',
      public: true,
      rawBody: { limitBytes: WEBHOOK_BODY_LIMIT_BYTES, mediaType: 'application/json', schema: StripeEventBody },
      responses: {
        200: { description: 'Stored (or stored before)', schema: z.object({ received: z.literal(true) }) },
        400: { description: 'Unsigned, wrongly signed, stale or malformed' },
        413: { description: 'The body is larger than 1 MB' },
      },
      handler: async (_input, { req }) => {
        await service.receive(req.body as Buffer, req.header('stripe-signature'));
        return { received: true as const };
      },
    }),
  ];
}
