import type { Request } from 'express';
import type { PromMetrics } from './registry.js';

/** The route label of every request no route matched (404s, scans): one series, whatever the path. */
export const UNMATCHED_ROUTE = 'unmatched';
/** Past this many distinct route templates, new ones share the label `other`: the series count stays bounded. */
const MAX_ROUTES = 500;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The template of the route that answered (`/widgets/:id`), never the raw path. */
function routeTemplate(req: Request): string {
  const path = (req as { route?: { path?: unknown } }).route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : UNMATCHED_ROUTE;
}

/**
 * Records an answered request in `http_request_duration_seconds` by method, route template and status (499: the
 * client went away first). Called once per request by the request observer, which also keeps the in-flight gauge.
 */
export function httpDurations(metrics: PromMetrics): (req: Request, status: number, ms: number) => void {
  const routes = new Set<string>();
  return (req, status, ms) => {
    let route = routeTemplate(req);
    if (!routes.has(route)) {
      if (routes.size < MAX_ROUTES) routes.add(route);
      else route = 'other';
    }
    const method = METHODS.has(req.method) ? req.method : 'OTHER';
    metrics.httpDuration.observe({ method, route, status }, ms / 1000);
  };
}
