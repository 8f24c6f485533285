import type { DataSource } from 'typeorm';
import { tenantTransaction, type Entitlements } from '../../core/index.js';
import { BillingSubscription } from '../entities/subscription.entity.js';
import type { PlanSettings } from '../settings.js';

/** Statuses whose plan a tenant may use. */
export const LIVE_STATUSES: ReadonlySet<string> = new Set(['trialing', 'active', 'past_due']);

/**
 * What a tenant's plan allows: the plan whose Stripe price its live subscription pays, else the default plan,
 * else nothing at all.
 */
export function planEntitlements(
  dataSource: DataSource,
  rowLevelSecurity: boolean,
  plans: readonly PlanSettings[],
): Entitlements {
  const planOf = async (tenantId: string): Promise<PlanSettings | undefined> => {
    // As the tenant: with row-level security on, a query without one sees no rows.
    const subscriptions = await tenantTransaction(dataSource, rowLevelSecurity, tenantId, (manager) =>
      manager.findBy(BillingSubscription, { tenantId }),
    );
    const live = subscriptions.find((subscription) => LIVE_STATUSES.has(subscription.status));
    const paid = live === undefined ? undefined : plans.find((plan) => plan.stripePrice === live.stripePriceId);
    return paid ?? plans.find((plan) => plan.default);
  };
  return {
    async check(tenantId, feature) {
      return (await planOf(tenantId))?.features.includes(feature) ?? false;
    },
    async limit(tenantId, key) {
      return (await planOf(tenantId))?.limits[key] ?? 0;
    },
  };
}
