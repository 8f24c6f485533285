import type { Request, RequestHandler } from 'express';
import type { AppConfig } from '../../../config.js';
import { HttpError } from '../http/problem.js';
import { runWithTenant, TENANT_ID_PATTERN } from './tenant-context.js';
import type { TenantDirectory } from './tenant-directory.js';

type TenantSource = (req: Request) => string | undefined;

function sourceFor(config: AppConfig['core']): TenantSource {
  switch (config.tenantResolution) {
    case 'header':
      return (req) => req.get(config.tenantHeader);
    case 'subdomain':
      // Express derives subdomains from the Host header, right to left, after the `subdomain offset` labels.
      return (req) => req.subdomains.at(-1);
    case 'token':
      // Only an authenticated claim counts; a header could name any tenant.
      return (req) => req.principal?.tenantId;
  }
}

/**
 * Puts the request's tenant into the async context for everything downstream. A request that names no tenant
 * passes through (health checks, public routes); tenant-scoped data access then refuses to run. A malformed,
 * unknown or inactive tenant is refused with the same answer, so tenant ids cannot be probed.
 */
export function resolveTenant(config: AppConfig['core'], directory: TenantDirectory): RequestHandler {
  const read = sourceFor(config);
  const refuse = () => new HttpError(400, { title: 'Unknown tenant', detail: 'The request names no known, active tenant.' });
  return (req, _res, next) => {
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
