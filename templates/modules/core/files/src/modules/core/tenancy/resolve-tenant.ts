import type { Request, RequestHandler } from 'express';
import type { AppConfig } from '../../../config.js';
import { HttpError } from '../http/problem.js';
import { NON_TENANT_SUBDOMAINS, runWithTenant, TENANT_ID_PATTERN } from './tenant-context.js';
import type { TenantDirectory } from './tenant-directory.js';

type TenantSource = (req: Request) => string | undefined;

/**
 * Core's routes that serve the platform, not a tenant: probes and the API description. Modules add theirs (a
 * metrics scrape) as `platformPaths`. They never look at a tenant, so a load balancer's Host or a stray tenant
 * header cannot turn a health check into a 400.
 */
export const CORE_PLATFORM_PATHS = ['/health', '/ready', '/openapi.json', '/docs'];

/**
 * The tenant label of `hostname`: the label directly left of `baseDomain` (or, with no base domain, of the last
 * two labels). The base domain itself, hosts outside it, IP addresses and www./api. name no tenant.
 */
export function tenantFromHost(hostname: string, baseDomain: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host.includes(':') || /^[\d.]+$/.test(host)) return undefined;
  let labels: string[];
  if (baseDomain === '') {
    labels = host.split('.').slice(0, -2);
  } else {
    if (!host.endsWith(`.${baseDomain}`)) return undefined;
    labels = host.slice(0, -baseDomain.length - 1).split('.');
  }
  const label = labels.at(-1);
  return label === undefined || NON_TENANT_SUBDOMAINS.has(label) ? undefined : label;
}

function sourceFor(config: AppConfig['core']): TenantSource {
  switch (config.tenantResolution) {
    case 'header':
      return (req) => req.get(config.tenantHeader);
    case 'subdomain':
      // req.hostname is the Host header (X-Forwarded-Host only from a trusted proxy).
      return (req) => tenantFromHost(req.hostname, config.tenantBaseDomain);
    case 'token':
      // Only an authenticated claim counts; a header could name any tenant.
      return (req) => req.principal?.tenantId;
  }
}

/**
 * Puts the request's tenant into the async context for everything downstream. A request that names no tenant
 * passes through (public routes); tenant-scoped data access then refuses to run. Infrastructure routes skip
 * tenancy altogether. A malformed, unknown or inactive tenant is refused with the same answer, so tenant ids
 * cannot be probed.
 */
export function resolveTenant(
  config: AppConfig['core'],
  directory: TenantDirectory,
  modulePlatformPaths: readonly string[] = [],
): RequestHandler {
  const read = sourceFor(config);
  const platformPaths = new Set([...CORE_PLATFORM_PATHS, ...modulePlatformPaths]);
  const isPlatform = (path: string) => platformPaths.has(path) || path.startsWith('/docs/');
  const refuse = () =>
    new HttpError(400, { title: 'Unknown tenant', detail: 'The request names no known, active tenant.' });
  return (req, _res, next) => {
    if (isPlatform(req.path)) {
      next();
      return undefined;
    }
    const tenantId = read(req)?.toLowerCase();
    if (tenantId === undefined || tenantId === '') {
      next();
      return undefined;
    }
    if (!TENANT_ID_PATTERN.test(tenantId)) throw refuse();
    return directory.isActive(tenantId).then((active) => {
      if (!active) throw refuse();
      runWithTenant(tenantId, next);
    });
  };
}
