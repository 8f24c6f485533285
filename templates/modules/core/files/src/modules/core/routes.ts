import { z } from 'zod';
import { defineRoute, type RouteDefinition } from './http/route.js';
import { HttpError } from './http/problem.js';
import type { ReadinessReport } from './health/readiness.js';
import type { Csrf } from './security/csrf.js';

const HealthSchema = z.object({ status: z.literal('ok') });
const CheckSchema = z.object({
  status: z.enum(['ok', 'failed']),
  ms: z.number(),
  reason: z.enum(['timeout', 'error']).optional(),
});
const ReadySchema = z.object({ status: z.literal('ready'), checks: z.record(z.string(), CheckSchema) });
const CsrfTokenSchema = z.object({ token: z.string(), header: z.string() });

/** Core's own public routes: liveness, readiness and the CSRF token. */
export function coreRoutes(readiness: () => Promise<ReadinessReport>, csrf: Csrf): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      public: true,
      summary: 'Liveness: the process is up and serving',
      tags: ['core'],
      responses: { 200: { description: 'Alive', schema: HealthSchema } },
      handler: () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'get',
      path: '/ready',
      public: true,
      summary: 'Readiness: every dependency answers in time',
      description:
        'Checks the database, Redis when configured, and every check a module contributes, each with a timeout.',
      tags: ['core'],
      responses: {
        200: { description: 'Ready to serve, with each check', schema: ReadySchema },
        503: { description: 'A dependency failed: problem+json whose `checks` names each check and its status' },
      },
      handler: async () => {
        const report = await readiness();
        if (!report.ready) {
          const failed = Object.keys(report.checks).filter((name) => report.checks[name]?.status === 'failed');
          throw new HttpError(503, {
            detail: `Not ready: ${failed.join(', ')}.`,
            extensions: { checks: report.checks },
          });
        }
        return { status: 'ready' as const, checks: report.checks };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/csrf-token',
      public: true,
      summary: 'Issue a CSRF token for cookie-authenticated requests',
      description:
        'Sets the token cookie and returns the same token; send it back in the named header on unsafe requests.',
      tags: ['core'],
      responses: { 200: { description: 'A fresh token', schema: CsrfTokenSchema } },
      handler: (_input, { req, res }) => ({ token: csrf.issue(req, res), header: 'X-CSRF-Token' }),
    }),
  ];
}
