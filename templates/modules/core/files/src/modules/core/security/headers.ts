import cors from 'cors';
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** helmet's defaults: CSP, HSTS, nosniff, frame denial, no referrer leaks, CORP/COOP. */
export function securityHeaders(): RequestHandler {
  return helmet();
}

/**
 * CORS for the configured origins only. An empty list allows no cross-origin browser call at all;
 * credentials are allowed because cookie sessions need them, which is why the list must be explicit.
 * `tenantHeader` is the configured tenant header (CORE_TENANT_HEADER), so browsers may send it whatever it is named.
 */
export function corsFromAllowlist(origins: readonly string[], tenantHeader?: string): RequestHandler {
  const allowed = new Set(origins);
  return cors({
    origin: (origin, callback) => {
      callback(null, origin !== undefined && allowed.has(origin));
    },
    credentials: true,
    allowedHeaders: [
      'Content-Type',
      'Authorization',
      'X-CSRF-Token',
      'X-Request-Id',
      ...(tenantHeader === undefined ? [] : [tenantHeader]),
    ],
    exposedHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After'],
    maxAge: 600,
  });
}
