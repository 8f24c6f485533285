import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

const key = z.string().regex(/^[a-z][a-z0-9_]*(?:[.:-][a-z0-9_]+)*$/, 'lower-case dotted name, e.g. reports.export');

const plan = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,39}$/)
      .describe('Our name of the plan, e.g. pro'),
    name: z.string().min(1).max(100),
    stripe_price: z
      .string()
      .regex(/^price_[A-Za-z0-9_]+$/)
      .optional()
      .describe('The Stripe price that sells it'),
    amount: z
      .number()
      .int()
      .min(0)
      .describe('Price per interval in minor units of the currency (cents), never a float'),
    currency: z
      .string()
      .regex(/^[a-z]{3}$/)
      .default('usd'),
    interval: z.enum(['month', 'year']).default('month'),
    features: z.array(key).default([]).describe('Features the plan includes, e.g. reports.export'),
    limits: z.record(key, z.number().int().min(0)).default({}).describe('Limits of the plan, e.g. seats: 10'),
    default: z.boolean().default(false).describe('The plan of tenants without a live subscription'),
  })
  .strict();

export default defineModule({
  name: 'billing',
  summary: 'Stripe subscriptions, payment methods, invoices and deduplicated webhooks',
  tier: 'core',
  status: 'implemented',
  dependsOn: ['core', 'auth'],
  config: z
    .object({
      provider: z.enum(['stripe']).default('stripe').describe('The payment provider; Stripe is the one supported'),
      webhook_secret: z
        .string()
        .default('')
        .describe(
          '${VAR} naming the variable that holds the Stripe endpoint secrets (whsec_..., comma-separated while rotating); the app refuses to boot without one',
        ),
      webhook_tolerance_seconds: z
        .number()
        .int()
        .min(1)
        .max(600)
        .default(300)
        .describe('Oldest signed webhook timestamp accepted, in seconds (1..600; 0 would switch the replay check off)'),
      plans: z
        .array(plan)
        .default([])
        .refine((plans) => new Set(plans.map((p) => p.id)).size === plans.length, 'plan ids must be unique')
        .refine((plans) => plans.filter((p) => p.default).length <= 1, 'at most one plan is the default')
        .describe('Plans sold, with the features and limits each includes (the entitlements other modules check)'),
    })
    .strict(),
  // The endpoint secret: only ever `${VAR}` in forge.yaml (BILLING_WEBHOOK_SECRET when unnamed), required, secret.
  secretKeys: ['webhook_secret'],
  dependencies: ['stripe'],
  env: [
    {
      name: 'STRIPE_SECRET_KEY',
      kind: 'string',
      secret: true,
      required: true,
      pattern: {
        regex: /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/,
        hint: 'a Stripe secret key',
      },
      description: 'Stripe secret or restricted API key',
    },
    {
      name: 'STRIPE_API_BASE',
      kind: 'url',
      description: "Stripe API base URL, only with a test key (a local fake in the app's tests); unset: Stripe's own",
    },
    {
      name: 'BILLING_RETURN_URL',
      kind: 'url',
      default: 'http://localhost:3000/billing',
      description: 'Front-end page Stripe Checkout and the billing portal send the customer back to',
    },
  ],
  // The app's own tests run against a local fake Stripe with these; production reads real ones from the environment.
  testEnv: { STRIPE_SECRET_KEY: 'sk_test_forge_tests', BILLING_WEBHOOK_SECRET: 'whsec_forge_tests_only_not_a_secret' },
  tables: ['billing_customers', 'billing_subscriptions', 'billing_webhook_events'],
});
