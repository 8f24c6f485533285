import { z } from 'zod';
import {
  defineRoute,
  PageQuery,
  pageRequestOf,
  pageSchema,
  type RouteAccess,
  type RouteDefinition,
} from '../../core/index.js';
import { clientMetaOf, IdParams, problem, tags, TokenResponse, type TokenTransport } from '../http.js';
import type { AuthRuntime } from '../runtime.js';

const SessionResponse = z.object({
  id: z.string(),
  device: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  lastSeenAt: z.string(),
  createdAt: z.string(),
  current: z.boolean(),
});

/** Sessions and refresh. */
export function sessionRoutes(runtime: AuthRuntime, transport: TokenTransport): RouteDefinition[] {
  const { sessions } = runtime.services;
  const { claims } = runtime;
  // The refresh token comes in the body, or in cookie mode in its cookie: the cookie is one way, not the only one.
  const refreshAccess: RouteAccess =
    runtime.context.config.auth.tokenTransport === 'cookie'
      ? { security: [{ refreshCookie: [] }, {}] }
      : { public: true };
  return [
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      summary: 'Trade a refresh token for a new access and refresh token (rotation)',
      description: 'A refresh token works once. Presenting a used one revokes its whole session.',
      tags,
      ...refreshAccess,
      request: { body: z.object({ refreshToken: z.string().min(1).max(300).optional() }) },
      responses: {
        200: { description: 'New tokens', schema: TokenResponse },
        401: problem('Invalid, used or expired refresh token'),
      },
      handler: async ({ body }, { req, res }) => {
        const token = body.refreshToken ?? transport.cookieToken(req) ?? '';
        return transport.deliver(await sessions.refresh(token, clientMetaOf(req)), req, res);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: 'End this session: its refresh and access tokens stop working now',
      tags,
      permission: 'auth:basic',
      status: 204,
      responses: { 204: { description: 'Logged out' } },
      handler: async (_input, { req, res }) => {
        await sessions.logout(claims.of(req));
        transport.clear(res);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout-all',
      summary: 'End every session of the account, on every device',
      tags,
      permission: 'auth:basic',
      status: 204,
      responses: { 204: { description: 'Every session ended' } },
      handler: async (_input, { req, res }) => {
        await sessions.logoutAll(claims.of(req), clientMetaOf(req));
        transport.clear(res);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/sessions',
      summary: 'The live sessions of the account (device, address, user agent, last seen)',
      tags,
      permission: 'auth:session',
      request: { query: PageQuery },
      responses: {
        200: { description: 'Sessions, most recent first', schema: pageSchema(SessionResponse) },
        400: problem('Bad limit or cursor'),
      },
      handler: ({ query }, { req }) => sessions.list(claims.of(req), pageRequestOf(query)),
    }),
    defineRoute({
      method: 'delete',
      path: '/auth/sessions/:id',
      summary: 'End one of the account’s sessions',
      tags,
      permission: 'auth:session',
      request: { params: IdParams },
      status: 204,
      responses: { 204: { description: 'Ended' }, 404: problem('No such live session of yours') },
      handler: ({ params }, { req }) => sessions.revoke(claims.of(req), params.id),
    }),
  ];
}
