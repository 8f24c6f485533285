import { z } from 'zod';
import { defineRoute, PageQuery, pageRequestOf, pageSchema, type RouteDefinition } from '../../core/index.js';
import { clientMetaOf, problem, Role, tags } from '../http.js';
import { ROLE_NAME_PATTERN } from '../rbac.js';
import type { AuthRuntime } from '../runtime.js';

const RoleParams = z.object({ name: z.string().regex(ROLE_NAME_PATTERN).meta({ maxLength: 20 }) });
const PermissionList = z.array(z.string().min(3).max(100)).max(200);
const Description = z.string().trim().max(200);
const RoleResponse = z.object({
  name: z.string(),
  description: z.string(),
  builtIn: z.boolean(),
  permissions: z.array(z.string()).describe('Every permission the role holds'),
});

/** Roles. */
export function roleRoutes(runtime: AuthRuntime): RouteDefinition[] {
  const { roles } = runtime.services;
  const { claims } = runtime;
  return [
    defineRoute({
      method: 'get',
      path: '/auth/roles',
      summary: 'The tenant’s roles: owner, admin, member and its own, with the permissions each holds',
      tags,
      permission: 'auth:users:read',
      request: { query: PageQuery },
      responses: {
        200: {
          description: 'Roles: the built-in ones, then the tenant’s own by name',
          schema: pageSchema(RoleResponse),
        },
        400: problem('Bad limit or cursor'),
      },
      handler: ({ query }, { req }) => roles.list(claims.of(req), pageRequestOf(query)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/roles',
      summary: 'Define a role from the permissions the app’s modules declare (only ones you hold)',
      tags,
      permission: 'auth:roles:manage',
      request: { body: z.object({ name: Role, description: Description.default(''), permissions: PermissionList }) },
      status: 201,
      responses: {
        201: { description: 'The role', schema: RoleResponse },
        403: problem('A permission you do not hold'),
        409: problem('The name is taken'),
        422: problem('A built-in name or an unknown permission'),
      },
      handler: ({ body }, { req }) => roles.create(claims.of(req), body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'patch',
      path: '/auth/roles/:name',
      summary: 'Change a role’s description or permissions (its holders’ sessions end when permissions change)',
      tags,
      permission: 'auth:roles:manage',
      request: {
        params: RoleParams,
        body: z.object({ description: Description.optional(), permissions: PermissionList.optional() }),
      },
      responses: {
        200: { description: 'The role', schema: RoleResponse },
        403: problem('Built-in, or holding more than you'),
        404: problem('No such role in the tenant'),
      },
      handler: ({ params, body }, { req }) => roles.update(claims.of(req), params.name, body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'delete',
      path: '/auth/roles/:name',
      summary: 'Delete one of the tenant’s own roles that nobody holds',
      tags,
      permission: 'auth:roles:manage',
      request: { params: RoleParams },
      status: 204,
      responses: {
        204: { description: 'Deleted' },
        403: problem('Built-in, or holding more than you'),
        404: problem('No such role in the tenant'),
        409: problem('Accounts still hold it'),
      },
      handler: ({ params }, { req }) => roles.remove(claims.of(req), params.name, clientMetaOf(req)),
    }),
  ];
}
