import type Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import { tenantTransaction, type JobInfo, type ModuleContext } from '../../core/index.js';
import { tenantOfCustomer } from '../customers/service.js';
import { BillingSubscription } from '../entities/subscription.entity.js';
import { BillingWebhookEvent } from '../entities/webhook-event.entity.js';

export interface ApplyDependencies {
  context: ModuleContext;
  stripe: Stripe;
  testMode: boolean;
}

const SUBSCRIPTION_EVENT = /^customer\.subscription\.(created|updated|deleted|paused|resumed|trial_will_end)$/;

/** Marks the row done unless another worker did first; answers whether this worker owns the effect. */
async function claim(manager: EntityManager, inboxId: string, status: 'applied' | 'ignored'): Promise<boolean> {
  const result = await manager.update(
    BillingWebhookEvent,
    { id: inboxId, status: 'received' },
    { status, processedAt: Date.now(), lastError: null },
  );
  return result.affected === 1;
}

function customerIdOf(subscription: Stripe.Subscription): string {
  return typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id;
}

/** Writes the snapshot unless the stored state is newer, or final (a canceled subscription never comes back). */
async function writeSubscription(
  manager: EntityManager,
  tenantId: string,
  snapshot: Stripe.Subscription,
  eventCreated: number,
): Promise<void> {
  const repository = manager.getRepository(BillingSubscription);
  const stored = await repository.findOneBy({ tenantId, stripeSubscriptionId: snapshot.id });
  if (stored !== null && (eventCreated < stored.lastEventCreated || stored.status === 'canceled')) return;
  const item = snapshot.items.data[0];
  await repository.save(
    repository.create({
      ...(stored === null ? {} : { id: stored.id }),
      tenantId,
      stripeSubscriptionId: snapshot.id,
      stripeCustomerId: customerIdOf(snapshot),
      status: snapshot.status,
      stripePriceId: item?.price.id ?? null,
      quantity: item?.quantity ?? 1,
      cancelAtPeriodEnd: snapshot.cancel_at_period_end,
      lastEventCreated: Math.max(eventCreated, stored?.lastEventCreated ?? 0),
    }),
  );
}

/**
 * Applies one stored event. Events are signals: the subscription is fetched again at the pinned API version
 * (unless the event is final), so a stale snapshot in an old event never lands. The tenant comes only from the
 * stored Stripe customer id; unknown customers and events of the other mode are acknowledged and ignored.
 */
export async function applyInboxEvent(deps: ApplyDependencies, inboxId: string, job: JobInfo): Promise<void> {
  const { dataSource, config } = deps.context;
  const inbox = dataSource.getRepository(BillingWebhookEvent);
  const row = await inbox.findOneBy({ id: inboxId });
  if (row?.status !== 'received') return;
  await inbox.update({ id: inboxId }, { attempts: job.attempt });
  const event = JSON.parse(row.payload) as Stripe.Event;
  const ignore = () => claim(dataSource.manager, inboxId, 'ignored');
  if (event.livemode === deps.testMode || !SUBSCRIPTION_EVENT.test(event.type)) {
    await ignore();
    return;
  }
  const subscription = event.data.object as Stripe.Subscription;
  const tenantId = await tenantOfCustomer(dataSource, customerIdOf(subscription));
  if (tenantId === undefined) {
    await ignore();
    return;
  }
  try {
    const snapshot =
      event.type === 'customer.subscription.deleted'
        ? subscription
        : await deps.stripe.subscriptions.retrieve(subscription.id);
    await tenantTransaction(dataSource, config.core.rowLevelSecurity, tenantId, async (manager) => {
      if (await claim(manager, inboxId, 'applied')) await writeSubscription(manager, tenantId, snapshot, event.created);
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await inbox.update({ id: inboxId }, { lastError: message.slice(0, 500) });
    throw error;
  }
}
