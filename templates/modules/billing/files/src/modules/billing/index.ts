/*
 * The billing module's public surface: Stripe customers and subscriptions per tenant, webhooks verified, stored
 * once and applied by a worker, and the plans of forge.yaml as the app's entitlements.
 */
import type { AppModule, PageRequest } from '../core/index.js';
import { accountRoutes } from './account/routes.js';
import { createAccountService } from './account/service.js';
import { BillingCustomer } from './entities/customer.entity.js';
import { BillingSubscription } from './entities/subscription.entity.js';
import { BillingWebhookEvent } from './entities/webhook-event.entity.js';
import { invoiceRoutes } from './invoices/routes.js';
import { listInvoices } from './invoices/service.js';
import { BillingCreateTables1767226100000 } from './migrations/1767226100000-billing-create-tables.js';
import { planEntitlements } from './plans/entitlements.js';
import { billingSettings } from './settings.js';
import { createStripeClient } from './stripe-client.js';
import { applyInboxEvent } from './webhooks/apply.js';
import { WEBHOOK_PATH, webhookRoutes } from './webhooks/routes.js';
import { createWebhookService } from './webhooks/service.js';

export { STRIPE_API_VERSION, billingSettings } from './settings.js';
export { createStripeClient } from './stripe-client.js';
export { ensureCustomer } from './customers/service.js';

export interface BillingModuleOptions {
  /** Wait before the worker's first retry of a failed event, doubling each time (default 1000 ms). */
  retryBackoffMs?: number;
  /** Runs of a failing event before it is given up (default 8). */
  retryAttempts?: number;
}

export function createBillingModule(options: BillingModuleOptions = {}): AppModule {
  return {
    name: 'billing',
    description: 'Stripe subscriptions, plans and webhooks',
    entities: [BillingCustomer, BillingSubscription, BillingWebhookEvent],
    migrations: [BillingCreateTables1767226100000],
    permissions: [
      { name: 'billing:read', description: "See the tenant's plan, subscription and invoices" },
      { name: 'billing:manage', description: "Start, change and cancel the tenant's subscription" },
    ],
    // Stripe calls the webhook for the whole platform; the tenant comes from the stored customer id.
    platformPaths: [WEBHOOK_PATH],
    setup: (context) => {
      const settings = billingSettings(context.config);
      const stripe = createStripeClient(settings);
      const deps = { context, stripe, testMode: settings.testMode };
      context.jobs.define('billing.apply-event', (payload, job) => applyInboxEvent(deps, payload.inboxId, job), {
        attempts: options.retryAttempts ?? 8,
        backoffMs: options.retryBackoffMs ?? 1000,
      });
      const account = createAccountService(context, stripe, settings);
      const invoices = (tenantId: string, page: PageRequest) =>
        listInvoices(context.dataSource, stripe, tenantId, page);
      return {
        routes: [
          ...webhookRoutes(context, createWebhookService(context, stripe, settings)),
          ...accountRoutes(account),
          ...invoiceRoutes(invoices),
        ],
        entitlements: planEntitlements(context.dataSource, context.config.core.rowLevelSecurity, settings.plans),
      };
    },
  };
}

export const billingModule: AppModule = createBillingModule();
