import { z } from 'zod';
import type { DataSource } from 'typeorm';
import { defineRoute, type RouteDefinition } from './http/route.js';
import { HttpError } from './http/problem.js';
import type { Csrf } from './security/csrf.js';

const READY_TIMEOUT_MS = 2000;

const HealthSchema = z.object({ status: z.literal('ok') });
const ReadySchema = z.object({ status: z.literal('ready') });
const CsrfTokenSchema = z.object({ token: z.string(), header: z.string() });

async function databaseAnswers(dataSource: DataSource): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, READY_TIMEOUT_MS, false);
  });
  try {
    return await Promise.race([dataSource.query('SELECT 1').then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Core's own public routes: liveness, readiness and the CSRF token. */
export function coreRoutes(dataSource: DataSource, csrf: Csrf): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      summary: 'Liveness: the process is up and serving',
      tags: ['core'],
      responses: { 200: { description: 'Alive', schema: HealthSchema } },
      handler: () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'get',
      path: '/ready',
      summary: 'Readiness: the database answers',
      tags: ['core'],
      responses: { 200: { description: 'Ready to serve', schema: ReadySchema }, 503: { description: 'The database does not answer' } },
      handler: async () => {
        if (!(await databaseAnswers(dataSource))) throw new HttpError(503, { detail: 'The database does not answer.' });
        return { status: 'ready' as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/csrf-token',
      summary: 'Issue a CSRF token for cookie-authenticated requests',
      description: 'Sets the token cookie and returns the same token; send it back in the named header on unsafe requests.',
      tags: ['core'],
      responses: { 200: { description: 'A fresh token', schema: CsrfTokenSchema } },
      handler: (_input, { req, res }) => ({ token: csrf.issue(req, res), header: 'X-CSRF-Token' }),
    }),
  ];
}
