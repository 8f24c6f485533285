import { defineRoute, type RouteDefinition, type SecurityScheme } from '../core/index.js';
import { ALLOWLIST_VARIABLE } from './metrics/access.js';
import type { PromMetrics } from './metrics/registry.js';

/** The scrape credential /metrics checks itself: it yields no principal and grants no permission. */
export const metricsSecuritySchemes: Readonly<Record<string, SecurityScheme>> = {
  metricsToken: {
    scheme: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, sent by the Prometheus scraper' },
  },
};

/** GET /metrics in the Prometheus text format, behind `allow` (token or address allowlist). */
export function metricsRoutes(
  metrics: PromMetrics,
  allow: (req: Parameters<RouteDefinition['handler']>[1]['req']) => void,
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics (text exposition format)',
      description: `Needs \`Authorization: Bearer <METRICS_TOKEN>\` or a client address in ${ALLOWLIST_VARIABLE}.`,
      // An address in the allowlist needs no token; that is a network rule, not a credential a client sends.
      security: [{ metricsToken: [] }],
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
