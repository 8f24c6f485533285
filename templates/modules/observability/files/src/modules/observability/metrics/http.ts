import type { Request, RequestHandler } from 'express';
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
 * Requests in flight, and each request's duration by method, route template and status once it ends.
 * A request whose client went away before the answer was written is counted with status 499.
 */
export function httpMetrics(metrics: PromMetrics): RequestHandler {
  const routes = new Set<string>();
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    metrics.httpInFlight.inc();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      metrics.httpInFlight.dec();
      let route = routeTemplate(req);
      if (!routes.has(route)) {
        if (routes.size < MAX_ROUTES) routes.add(route);
        else route = 'other';
      }
      const status = res.writableFinished ? res.statusCode : 499;
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      metrics.httpDuration.observe({ method, route, status }, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  };
}
