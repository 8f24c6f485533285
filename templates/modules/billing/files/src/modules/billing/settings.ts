import { z } from 'zod';
import type { AppConfig } from '../../config.js';

/** Stripe's API version this app is written against; the SDK sends it with every call and webhooks use it. */
export const STRIPE_API_VERSION = '2026-11-18.endive';

/** Largest webhook body accepted; Stripe's events are far smaller. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/** Signed timestamps further ahead than this are refused: a clock that far off is an attack or a broken signer. */
export const WEBHOOK_FUTURE_LIMIT_SECONDS = 300;

const Key = z.string().regex(/^[a-z][a-z0-9_]*(?:[.:-][a-z0-9_]+)*$/);

/** The plans of forge.yaml as src/config.ts holds them (checked again: that file is the user's to edit). */
const Plans = z
  .array(
    z.object({
      id: z.string().min(1),
      name: z.string().min(1),
      stripe_price: z.string().startsWith('price_').optional(),
      amount: z.number().int().min(0),
      currency: z.string().regex(/^[a-z]{3}$/),
      interval: z.enum(['month', 'year']),
      features: z.array(Key),
      limits: z.record(Key, z.number().int().min(0)),
      default: z.boolean(),
    }),
  )
  .refine((plans) => plans.filter((plan) => plan.default).length <= 1, 'at most one plan is the default');

export interface PlanSettings {
  id: string;
  name: string;
  stripePrice?: string;
  /** Minor units of `currency`: integers, never floats. */
  amount: number;
  currency: string;
  interval: 'month' | 'year';
  features: readonly string[];
  limits: Readonly<Record<string, number>>;
  default: boolean;
}

export interface BillingSettings {
  secretKey: string;
  testMode: boolean;
  /** Where the SDK sends its calls; Stripe's own unless a test key names another. */
  apiBase: URL | undefined;
  /** Every endpoint secret accepted (more than one while rotating). */
  webhookSecrets: readonly string[];
  webhookToleranceSeconds: number;
  plans: readonly PlanSettings[];
  /** The front-end page Checkout and the billing portal send the customer back to. */
  returnUrl: string;
}

/**
 * The comma-separated endpoint secrets; src/config.ts requires the variable when forge.yaml names it with
 * `${VAR}`, and leaves it optional when forge.yaml does not.
 */
function secretsIn(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
}

/** Reads and checks billing's settings; throws (stopping the boot) on anything unsafe, naming every problem. */
export function billingSettings(config: AppConfig): BillingSettings {
  const { billing, env } = config;
  const problems: string[] = [];
  const secretKey = env.STRIPE_SECRET_KEY;
  const testMode = /^(sk|rk)_test_/.test(secretKey);
  const webhookSecrets = secretsIn(billing.webhookSecret);
  // Without a secret, a webhook route would have to accept unsigned events or none: refuse to start instead.
  if (webhookSecrets.length === 0) problems.push('the Stripe webhook secret (billing webhook_secret) is required');
  for (const secret of webhookSecrets) {
    if (!/^whsec_[A-Za-z0-9+/=_-]{16,}$/.test(secret))
      problems.push('every Stripe webhook secret must look like whsec_ followed by at least 16 characters');
  }
  // The SDK turns its replay check off for a tolerance of 0, and NaN compares false: both must never reach it.
  const tolerance = billing.webhookToleranceSeconds;
  if (!Number.isInteger(tolerance) || tolerance < 1 || tolerance > 600)
    problems.push('BILLING_WEBHOOK_TOLERANCE_SECONDS must be a whole number of seconds, 1..600');
  const apiBase = env.STRIPE_API_BASE === undefined ? undefined : new URL(env.STRIPE_API_BASE);
  // A live key sent to any host but Stripe's would hand real money to whoever runs it.
  if (apiBase !== undefined && !testMode)
    problems.push('STRIPE_API_BASE is honoured only with a test key (sk_test_, rk_test_)');
  const plans = Plans.safeParse(billing.plans);
  if (!plans.success) problems.push(`billing plans: ${z.prettifyError(plans.error)}`);
  if (problems.length > 0 || !plans.success) throw new Error(`billing configuration is unsafe: ${problems.join('; ')}`);
  return {
    secretKey,
    testMode,
    apiBase,
    webhookSecrets,
    webhookToleranceSeconds: tolerance,
    returnUrl: env.BILLING_RETURN_URL,
    plans: plans.data.map(({ stripe_price: stripePrice, ...plan }) => ({
      ...plan,
      ...(stripePrice === undefined ? {} : { stripePrice }),
    })),
  };
}
