import type { Request } from 'express';
import { z } from 'zod';
import { currentTenantId, defineRoute, HttpError, type RouteDefinition } from '../../core/index.js';
import type { AccountService } from './service.js';

const SessionUrl = z.object({ url: z.url().describe("Stripe's page: send the customer's browser there") });
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,100}$/;

/** The client's Idempotency-Key header, if it sent one; 400 when it is not 8..100 plain characters. */
function clientKeyOf(req: Request): string | undefined {
  const key = req.header('idempotency-key');
  if (key === undefined || IDEMPOTENCY_KEY.test(key)) return key;
  throw new HttpError(400, {
    title: 'Bad Idempotency-Key',
    detail: 'An Idempotency-Key is 8 to 100 letters, digits or _ . : -',
  });
}

/** The tenant's billing: read by its members, changed only by holders of billing:manage. */
export function accountRoutes(account: AccountService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/billing/subscription',
      summary: "The tenant's plan and subscription",
      permission: 'billing:read',
      tenant: 'required',
      responses: {
        200: {
          description: 'The plan that applies, and the subscription it comes from (null fields without one)',
          schema: z.object({
            plan: z.object({ id: z.string(), name: z.string() }).nullable(),
            status: z.string().nullable(),
            quantity: z.int().nullable(),
            cancelAtPeriodEnd: z.boolean(),
          }),
        },
      },
      handler: () => account.subscription(currentTenantId()),
    }),
    defineRoute({
      method: 'post',
      path: '/billing/checkout-sessions',
      summary: 'Start paying for a plan in Stripe Checkout',
      description:
        "The price is the plan's in forge.yaml; the subscription is applied when Stripe's webhook arrives. An " +
        'Idempotency-Key header (8..100 of A-Z a-z 0-9 _ . : -) makes a retry answer the same session; the same key ' +
        'with another body is a 409.',
      permission: 'billing:manage',
      tenant: 'required',
      status: 201,
      request: {
        body: z.strictObject({
          plan: z.string().min(1).max(40).describe('A plan id of forge.yaml sold through Stripe'),
        }),
      },
      responses: {
        201: { description: 'The Checkout session', schema: SessionUrl },
        400: { description: 'No such plan sold through Stripe, or a malformed Idempotency-Key' },
        409: { description: 'A live subscription exists, or the Idempotency-Key was used with another body' },
        502: { description: 'Stripe did not complete the request' },
      },
      handler: ({ body }, { req }) => account.checkout(currentTenantId(), body.plan, clientKeyOf(req)),
    }),
    ...(['cancel', 'resume'] as const).map((action) =>
      defineRoute({
        method: 'post',
        path: `/billing/subscription/${action}`,
        summary:
          action === 'cancel'
            ? 'Cancel the subscription at the end of its period'
            : 'Keep the subscription: take back a cancellation at period end',
        description: 'Idempotency-Key as for Checkout. The stored state follows when Stripe confirms by webhook.',
        permission: 'billing:manage',
        tenant: 'required',
        responses: {
          200: {
            description: "The subscription as Stripe answered: access stays until the period's end",
            schema: z.object({ status: z.string(), cancelAtPeriodEnd: z.boolean() }),
          },
          400: { description: 'A malformed Idempotency-Key' },
          404: { description: 'The tenant has no live subscription' },
          409: { description: 'The Idempotency-Key was used with another request' },
          502: { description: 'Stripe did not complete the request' },
        },
        handler: (_input, { req }) =>
          account.cancelAtPeriodEnd(currentTenantId(), action === 'cancel', clientKeyOf(req)),
      }),
    ),
    defineRoute({
      method: 'post',
      path: '/billing/portal-sessions',
      summary: "Open Stripe's billing portal for the tenant",
      permission: 'billing:manage',
      tenant: 'required',
      status: 201,
      responses: {
        201: { description: 'The portal session', schema: SessionUrl },
        502: { description: 'Stripe did not complete the request' },
      },
      handler: () => account.portal(currentTenantId()),
    }),
  ];
}
