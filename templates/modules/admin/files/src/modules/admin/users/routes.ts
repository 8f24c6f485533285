import { z } from 'zod';
import { auditRequestOf, PageQuery, pageRequestOf, pageSchema, type RouteDefinition } from '../../core/index.js';
import { adminRoute, problem } from '../guard.js';
import type { UserManagement } from './service.js';

const UserResponse = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  role: z.string(),
  emailVerified: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
const UsersQuery = PageQuery.extend({
  email: z.string().min(1).max(254).optional().describe('Exact address (compared trimmed and lower-cased)'),
  status: z.enum(['active', 'disabled']).optional(),
});
const UserParams = z.object({ userId: z.uuid().meta({ maxLength: 36 }) });
const Reason = z.string().trim().min(1).max(500).describe('Why: kept on the audit record');
const ReasonBody = z.object({ reason: Reason }).strict();
const RoleBody = z
  .object({ role: z.string().min(1).max(20).describe('A built-in role or one of the tenant’s own'), reason: Reason })
  .strict();

const acted = { 200: { description: 'The account as it is now', schema: UserResponse } };
const refusals = {
  422: problem('Bad id or body (a reason is required)'),
  404: problem('No account of this tenant has that id'),
  409: problem('Nothing to change, or it would leave the organisation without an owner'),
};

/** Tenant user management: the caller's tenant's accounts only (another tenant's id answers 404). */
export function userRoutes(users: UserManagement): RouteDefinition[] {
  const act = (
    path: string,
    summary: string,
    run: (
      userId: string,
      reason: string,
      caller: Parameters<UserManagement['logout']>[0],
      meta: ReturnType<typeof auditRequestOf>,
    ) => Promise<unknown>,
  ) =>
    adminRoute({
      method: 'post',
      path: `/admin/users/:userId/${path}`,
      summary,
      tenant: 'required',
      request: { params: UserParams, body: ReasonBody },
      responses: { ...acted, ...refusals },
      handler: ({ params, body }, caller, { req }) => run(params.userId, body.reason, caller, auditRequestOf(req)),
    });
  return [
    adminRoute({
      method: 'get',
      path: '/admin/users',
      summary: 'The tenant’s accounts by email address, filtered by address and status',
      tenant: 'required',
      request: { query: UsersQuery },
      responses: {
        200: { description: 'A page of accounts', schema: pageSchema(UserResponse) },
        400: problem('Bad cursor'),
        422: problem('Bad filter or limit'),
      },
      handler: ({ query }, caller) => {
        const { limit, cursor, email, status } = query;
        return users.list(caller, { email, status }, pageRequestOf({ limit, cursor }));
      },
    }),
    act(
      'disable',
      'Disable an account: it cannot log in, and its sessions and live tokens end at once',
      (id, reason, caller, meta) => users.disable(caller, id, reason, meta),
    ),
    act('enable', 'Enable a disabled account', (id, reason, caller, meta) => users.enable(caller, id, reason, meta)),
    act('logout', 'End every session and live token of an account', (id, reason, caller, meta) =>
      users.logout(caller, id, reason, meta),
    ),
    adminRoute({
      method: 'put',
      path: '/admin/users/:userId/role',
      summary: 'Grant an account a role in place of its own (never one above yours)',
      description: 'A sensitive act: needs a second factor less than five minutes old (POST /auth/mfa/step-up).',
      tenant: 'required',
      stepUp: true,
      request: { params: UserParams, body: RoleBody },
      responses: { ...acted, ...refusals },
      handler: ({ params, body }, caller, { req }) =>
        users.grantRole(caller, params.userId, body.role, body.reason, auditRequestOf(req)),
    }),
    adminRoute({
      method: 'post',
      path: '/admin/users/:userId/role/revoke',
      summary: 'Revoke an account’s role: it is a member again',
      description: 'A sensitive act: needs a second factor less than five minutes old (POST /auth/mfa/step-up).',
      tenant: 'required',
      stepUp: true,
      request: { params: UserParams, body: ReasonBody },
      responses: { ...acted, ...refusals },
      handler: ({ params, body }, caller, { req }) =>
        users.revokeRole(caller, params.userId, body.reason, auditRequestOf(req)),
    }),
  ];
}
