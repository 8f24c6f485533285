import type { RequestHandler } from 'express';
import { HttpError } from '../http/problem.js';
import { currentTenantId, TENANT_ID_PATTERN } from '../tenancy/tenant-context.js';

/** What a tenant's plan allows. A module (billing) provides it through `AppModule.entitlements`. */
export interface Entitlements {
  /** Whether the tenant's plan includes `feature`, e.g. `reports.export`. */
  check(tenantId: string, feature: string): Promise<boolean>;
  /** The tenant's limit for `key`, e.g. `seats`; `Infinity` when there is none. */
  limit(tenantId: string, key: string): Promise<number>;
}

/** `context.entitlements`: the provided entitlements, plus the check that refuses a request. */
export interface EntitlementChecks extends Entitlements {
  /** Throws a 403 problem (`entitlement` names the feature) unless the tenant's plan includes `feature`. */
  require(tenantId: string, feature: string): Promise<void>;
}

/** Lower-case dotted names, so a typo is caught, not silently allowed: `reports.export`, `api_calls`. */
const KEY = /^[a-z][a-z0-9_]*(?:[.:-][a-z0-9_]+)*$/;

/** Without a module that sells plans, every feature is included and nothing is limited. */
export const allowEverything: Entitlements = {
  check: () => Promise.resolve(true),
  limit: () => Promise.resolve(Number.POSITIVE_INFINITY),
};

function assertArguments(tenantId: string, key: string): void {
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    throw new TypeError(`entitlements: ${JSON.stringify(tenantId)} is not a tenant id`);
  }
  if (key.length > 100 || !KEY.test(key)) {
    throw new TypeError(`entitlements: ${JSON.stringify(key)} is not a feature or limit name`);
  }
}

/** Checks every call's arguments (so misuse fails tests even without billing), then asks the provider. */
export class EntitlementGate implements EntitlementChecks {
  private provider: Entitlements = allowEverything;

  /** Set once by createApp from the first module with `entitlements`. */
  use(provider: Entitlements | undefined): void {
    this.provider = provider ?? allowEverything;
  }

  async check(tenantId: string, feature: string): Promise<boolean> {
    assertArguments(tenantId, feature);
    return await this.provider.check(tenantId, feature);
  }

  async limit(tenantId: string, key: string): Promise<number> {
    assertArguments(tenantId, key);
    const limit = await this.provider.limit(tenantId, key);
    if (Number.isNaN(limit) || limit < 0) {
      throw new RangeError(`entitlements: limit ${key} of ${tenantId} is ${String(limit)}`);
    }
    return limit;
  }

  async require(tenantId: string, feature: string): Promise<void> {
    if (await this.check(tenantId, feature)) return;
    throw new HttpError(403, {
      title: 'Not in plan',
      detail: `The plan of this tenant does not include ${feature}.`,
      extensions: { entitlement: feature },
    });
  }
}

/**
 * Refuses the request with 403 unless the current tenant's plan includes `feature`; for raw routers, e.g.
 * `router.post('/exports', requireEntitlement(context, 'reports.export'), handler)`. Route handlers call
 * `context.entitlements.require(tenantId, feature)`.
 */
export function requireEntitlement(context: { entitlements: EntitlementChecks }, feature: string): RequestHandler {
  return async (_req, _res, next) => {
    await context.entitlements.require(currentTenantId(), feature);
    next();
  };
}
