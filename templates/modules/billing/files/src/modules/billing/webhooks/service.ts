import type Stripe from 'stripe';
import type { ModuleContext } from '../../core/index.js';
import type { BillingSettings } from '../settings.js';
import { storeInInbox } from './inbox.js';
import { verifyWebhook } from './verify.js';

declare module '../../core/contract.js' {
  interface JobPayloads {
    'billing.apply-event': { inboxId: string };
  }
}

export interface WebhookService {
  /** Verifies, stores once and queues the event; resolves once it is durable, so a 2xx never loses one. */
  receive(body: Buffer, signature: string | undefined): Promise<void>;
}

export function createWebhookService(
  context: ModuleContext,
  stripe: Stripe,
  settings: BillingSettings,
): WebhookService {
  return {
    async receive(body, signature) {
      const event = verifyWebhook(stripe, body, signature, settings.webhookSecrets, settings.webhookToleranceSeconds);
      const { id, pending } = await storeInInbox(context.dataSource, event, body);
      // The job id is the inbox row's: a redelivery while the first job waits queues nothing more.
      if (pending) await context.jobs.enqueue('billing.apply-event', { inboxId: id }, { jobId: id, tenantId: null });
    },
  };
}
