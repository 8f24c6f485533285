import type { Router } from 'express';
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
    router[route.method](route.path, toRequestHandler(route, authorizers));
  }
}
