import { z } from 'zod';
import { defineRoute, PageQuery, pageRequestOf, pageSchema, type RouteDefinition } from '../../core/index.js';
import { clientMetaOf, IdParams, problem, Role, tags, UserResponse } from '../http.js';
import type { AuthRuntime } from '../runtime.js';

/** User administration. */
export function userRoutes(runtime: AuthRuntime): RouteDefinition[] {
  const { users } = runtime.services;
  const { claims } = runtime;
  return [
    defineRoute({
      method: 'get',
      path: '/auth/users',
      summary: 'The accounts of the tenant',
      tags,
      permission: 'auth:users:read',
      request: { query: PageQuery },
      responses: {
        200: { description: 'Accounts, by email address', schema: pageSchema(UserResponse) },
        400: problem('Bad limit or cursor'),
      },
      handler: ({ query }, { req }) => users.list(claims.of(req), pageRequestOf(query)),
    }),
    defineRoute({
      method: 'patch',
      path: '/auth/users/:id',
      summary: 'Change an account’s role or disable it (its sessions end at once)',
      tags,
      permission: 'auth:users:manage',
      request: { params: IdParams, body: z.object({ role: Role.optional(), disabled: z.boolean().optional() }) },
      responses: {
        200: { description: 'The account', schema: UserResponse },
        403: problem('Above your rank, or yourself'),
        404: problem('No such account in the tenant'),
      },
      handler: ({ params, body }, { req }) => users.update(claims.of(req), params.id, body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/users/:id/unlock',
      summary: 'Lift a lockout before it expires',
      tags,
      permission: 'auth:users:manage',
      request: { params: IdParams },
      status: 204,
      responses: { 204: { description: 'Unlocked' }, 404: problem('No such account in the tenant') },
      handler: ({ params }, { req }) => users.unlock(claims.of(req), params.id, clientMetaOf(req)),
    }),
  ];
}
