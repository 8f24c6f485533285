import { AsyncLocalStorage } from 'node:async_hooks';
import { HttpError } from '../http/problem.js';

interface TenantStore {
  tenantId: string;
}

const storage = new AsyncLocalStorage<TenantStore>();

/** Tenant ids are slugs: they appear in subdomains and headers, so they stay short and URL-safe. */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Subdomains that name the service itself (www.example.com, api.example.com), never a tenant: not valid ids. */
export const NON_TENANT_SUBDOMAINS: ReadonlySet<string> = new Set(['www', 'api']);

/** Runs `fn` with `tenantId` as the current tenant for everything it awaits. */
export function runWithTenant<T>(tenantId: string, fn: () => T): T {
  return storage.run({ tenantId }, fn);
}

/** Runs `fn` outside any tenant, whatever tenant the caller runs as (a job of the platform, not of a tenant). */
export function runWithoutTenant<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** The tenant of the current request, or undefined outside any tenant. */
export function findCurrentTenantId(): string | undefined {
  return storage.getStore()?.tenantId;
}

/** The tenant of the current request; tenant-scoped data access refuses to run without one. */
export function currentTenantId(): string {
  const tenantId = findCurrentTenantId();
  if (tenantId === undefined)
    throw new HttpError(400, { title: 'Tenant required', detail: 'This request names no tenant.' });
  return tenantId;
}
