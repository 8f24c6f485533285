import { describe, expect, it } from 'vitest';
import { testConfig } from '../../core/testing/test-config.js';
import { billingSettings } from '../settings.js';
import { withPlans } from '../testing/plans.js';

const SECRET = `whsec_${'a'.repeat(32)}`;

describe('billing settings at boot', () => {
  it('when a test key names a custom API base, then the base is used', () => {
    const settings = billingSettings(
      testConfig({
        STRIPE_SECRET_KEY: 'rk_test_abc',
        STRIPE_API_BASE: 'http://127.0.0.1:12111',
        BILLING_WEBHOOK_SECRET: SECRET,
      }),
    );
    expect(settings).toMatchObject({ testMode: true, webhookSecrets: [SECRET], webhookToleranceSeconds: 300 });
    expect(settings.apiBase?.port).toBe('12111');
  });

  it('when a live key names a custom API base, then the app refuses to boot', () => {
    for (const key of ['sk_live_real', 'rk_live_real']) {
      const config = testConfig({
        STRIPE_SECRET_KEY: key,
        STRIPE_API_BASE: 'http://127.0.0.1:1',
        BILLING_WEBHOOK_SECRET: SECRET,
      });
      expect(() => billingSettings(config)).toThrow(/only with a test key/);
    }
  });

  it("when a live key is used with Stripe's own API, then it boots in live mode", () => {
    const settings = billingSettings(testConfig({ STRIPE_SECRET_KEY: 'sk_live_real', BILLING_WEBHOOK_SECRET: SECRET }));
    expect(settings).toMatchObject({ testMode: false, apiBase: undefined });
  });

  it('when the webhook secret is missing or empty, then the app refuses to boot', () => {
    expect(() => billingSettings(testConfig({ BILLING_WEBHOOK_SECRET: undefined }))).toThrow(/webhook.secret/i);
    expect(() => billingSettings(testConfig({ BILLING_WEBHOOK_SECRET: ' , ' }))).toThrow(/webhook secret/i);
  });

  it('when a webhook secret is not a Stripe endpoint secret, then the app refuses to boot', () => {
    expect(() => billingSettings(testConfig({ BILLING_WEBHOOK_SECRET: `${SECRET},secret` }))).toThrow(/whsec_/);
  });

  it('when the tolerance is 0, NaN or above 600 s, then the app refuses to boot', () => {
    expect(() => testConfig({ BILLING_WEBHOOK_TOLERANCE_SECONDS: '0' })).toThrow(/BILLING_WEBHOOK_TOLERANCE_SECONDS/);
    const config = testConfig();
    for (const tolerance of [0, Number.NaN, 0.5, 601]) {
      const billing = { ...config.billing, webhookToleranceSeconds: tolerance };
      expect(() => billingSettings({ ...config, billing })).toThrow(/1\.\.600/);
    }
  });

  it('when a plan in src/config.ts has a price in floats, then the app refuses to boot', () => {
    const config = testConfig();
    const plans = [
      {
        id: 'pro',
        name: 'Pro',
        amount: 29.99,
        currency: 'usd',
        interval: 'month',
        features: [],
        limits: {},
        default: false,
      },
    ];
    expect(() => billingSettings(withPlans(config, plans))).toThrow(/billing plans/);
  });

  it('when the secret key is not a Stripe key, then the app refuses to boot', () => {
    expect(() => testConfig({ STRIPE_SECRET_KEY: 'pk_test_publishable' })).toThrow(/STRIPE_SECRET_KEY/);
  });
});
