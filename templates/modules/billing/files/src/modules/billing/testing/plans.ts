import type { AppConfig } from '../../../config.js';

/**
 * `config` with a test's own plans in place of forge.yaml's. src/config.ts holds the manifest's plans as a
 * literal, so their type is this app's plans; billing checks them again at boot, whatever they are.
 */
export function withPlans(config: AppConfig, plans: readonly unknown[]): AppConfig {
  return { ...config, billing: { ...config.billing, plans: plans as AppConfig['billing']['plans'] } };
}
