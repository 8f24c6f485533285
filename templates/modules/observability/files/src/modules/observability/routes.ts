import { defineRoute, type RouteDefinition } from '../core/index.js';
import { ALLOWLIST_VARIABLE } from './metrics/access.js';
import type { PromMetrics } from './metrics/registry.js';

/** GET /metrics in the Prometheus text format, behind `allow` (token or address allowlist). */
export function metricsRoutes(metrics: PromMetrics, allow: (req: Parameters<RouteDefinition['handler']>[1]['req']) => void): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics (text exposition format)',
      description: `Needs \`Authorization: Bearer <METRICS_TOKEN>\` or a client address in ${ALLOWLIST_VARIABLE}.`,
      tags: ['observability'],
      responses: {
        200: { description: 'Every series of the app, `text/plain; version=0.0.4`' },
        401: { description: 'No valid bearer token' },
        403: { description: 'Address not allowed, or metrics closed in production because nothing grants access' },
      },
      handler: async (_input, { req, res }) => {
        allow(req);
        const body = await metrics.registry.metrics();
        res.type(metrics.registry.contentType).send(body);
      },
    }),
  ];
}
