import type Stripe from 'stripe';
import { HttpError, tenantTransaction, type ModuleContext } from '../../core/index.js';
import { ensureCustomer } from '../customers/service.js';
import { BillingSubscription } from '../entities/subscription.entity.js';
import { LIVE_STATUSES } from '../plans/entitlements.js';
import type { BillingSettings } from '../settings.js';
import { idempotencyKey, stripeFailure } from '../stripe-errors.js';

export interface SubscriptionView {
  plan: { id: string; name: string } | null;
  status: string | null;
  quantity: number | null;
  cancelAtPeriodEnd: boolean;
}

export interface AccountService {
  subscription(tenantId: string): Promise<SubscriptionView>;
  checkout(tenantId: string, planId: string, clientKey: string | undefined): Promise<{ url: string }>;
  portal(tenantId: string): Promise<{ url: string }>;
  /** Cancels the live subscription at the end of its period (`true`), or takes that back (`false`). */
  cancelAtPeriodEnd(
    tenantId: string,
    cancel: boolean,
    clientKey: string | undefined,
  ): Promise<{ status: string; cancelAtPeriodEnd: boolean }>;
}

/** The tenant's side of billing: what it pays for, Checkout to start paying, the portal to change it. */
export function createAccountService(
  context: ModuleContext,
  stripe: Stripe,
  settings: BillingSettings,
): AccountService {
  const { dataSource, config } = context;
  const liveSubscription = async (tenantId: string) => {
    const rows = await tenantTransaction(dataSource, config.core.rowLevelSecurity, tenantId, (manager) =>
      manager.find(BillingSubscription, { where: { tenantId }, order: { lastEventCreated: 'DESC' } }),
    );
    return rows.find((row) => LIVE_STATUSES.has(row.status)) ?? rows[0];
  };
  return {
    async subscription(tenantId) {
      const row = await liveSubscription(tenantId);
      const live = row !== undefined && LIVE_STATUSES.has(row.status);
      const plan =
        (live ? settings.plans.find((p) => p.stripePrice === row.stripePriceId) : undefined) ??
        settings.plans.find((p) => p.default);
      return {
        plan: plan === undefined ? null : { id: plan.id, name: plan.name },
        status: row?.status ?? null,
        quantity: row?.quantity ?? null,
        cancelAtPeriodEnd: row?.cancelAtPeriodEnd ?? false,
      };
    },
    async checkout(tenantId, planId, clientKey) {
      // The price comes from forge.yaml's plan, never from the client.
      const plan = settings.plans.find((p) => p.id === planId);
      if (plan?.stripePrice === undefined)
        throw new HttpError(400, { title: 'Unknown plan', detail: `No plan "${planId}" is sold through Stripe.` });
      const current = await liveSubscription(tenantId);
      if (current !== undefined && LIVE_STATUSES.has(current.status))
        throw new HttpError(409, {
          title: 'Already subscribed',
          detail: 'The tenant has a live subscription: change it in the billing portal.',
        });
      // The plan is not part of the key: the same client key with another plan is Stripe's (and our) 409.
      const key = idempotencyKey(tenantId, 'checkout', clientKey);
      try {
        const customer = await ensureCustomer(dataSource, stripe, tenantId);
        const session = await stripe.checkout.sessions.create(
          {
            mode: 'subscription',
            customer,
            client_reference_id: tenantId,
            line_items: [{ price: plan.stripePrice, quantity: 1 }],
            success_url: `${settings.returnUrl}?checkout=complete`,
            cancel_url: `${settings.returnUrl}?checkout=canceled`,
          },
          key === undefined ? {} : { idempotencyKey: key },
        );
        if (session.url === null) throw new HttpError(502, { title: 'Payment provider error' });
        return { url: session.url };
      } catch (error) {
        return stripeFailure(error);
      }
    },
    async cancelAtPeriodEnd(tenantId, cancel, clientKey) {
      // Only the tenant's own subscription, found through its rows: no id from the client to point elsewhere.
      const current = await liveSubscription(tenantId);
      if (current === undefined || !LIVE_STATUSES.has(current.status))
        throw new HttpError(404, { title: 'No subscription', detail: 'The tenant has no live subscription.' });
      const key = idempotencyKey(tenantId, `cancel-at-period-end:${current.stripeSubscriptionId}`, clientKey);
      try {
        const updated = await stripe.subscriptions.update(
          current.stripeSubscriptionId,
          { cancel_at_period_end: cancel },
          key === undefined ? {} : { idempotencyKey: key },
        );
        // The stored state follows when Stripe's webhook for this change is applied.
        return { status: updated.status, cancelAtPeriodEnd: updated.cancel_at_period_end };
      } catch (error) {
        return stripeFailure(error);
      }
    },
    async portal(tenantId) {
      try {
        const customer = await ensureCustomer(dataSource, stripe, tenantId);
        const session = await stripe.billingPortal.sessions.create({ customer, return_url: settings.returnUrl });
        return { url: session.url };
      } catch (error) {
        return stripeFailure(error);
      }
    },
  };
}
