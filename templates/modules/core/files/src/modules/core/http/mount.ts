import express, { type Router } from 'express';
import type { RouteDefinition } from './route.js';
import { toRequestHandler, type Authorizer } from './route.js';

/** Mounts declarative routes on a router; a duplicate method + path is a wiring bug and stops the boot. */
export function mountRoutes(
  router: Router,
  routes: readonly RouteDefinition[],
  authorizers: readonly Authorizer[],
): void {
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method.toUpperCase()} ${route.path}`;
    if (seen.has(key)) throw new Error(`Route ${key} is defined twice`);
    seen.add(key);
    const handler = toRequestHandler(route, authorizers);
    if (route.rawBody === undefined) {
      router[route.method](route.path, handler);
      continue;
    }
    // Authentication has not run yet where these routes are mounted: a permission could never be granted.
    if (route.permission !== undefined)
      throw new Error(`Route ${key} reads a raw body, so it cannot need a permission`);
    const raw = express.raw({ type: () => true, limit: route.rawBody.limitBytes });
    router[route.method](
      route.path,
      raw,
      (req, _res, next) => {
        if (!Buffer.isBuffer(req.body)) req.body = Buffer.alloc(0);
        next();
      },
      handler,
    );
  }
}
