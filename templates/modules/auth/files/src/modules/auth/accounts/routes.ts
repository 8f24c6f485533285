import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../core/index.js';
import {
  clientMetaOf,
  Email,
  Password,
  problem,
  Role,
  tags,
  Token,
  TokenResponse,
  UserResponse,
  type TokenTransport,
} from '../http.js';
import type { AuthRuntime } from '../runtime.js';

const InvitationResponse = z.object({ email: z.string(), role: Role, expiresAt: z.string() });

/** Accounts and invitations. */
export function accountRoutes(runtime: AuthRuntime, transport: TokenTransport): RouteDefinition[] {
  const { accounts } = runtime.services;
  const { claims } = runtime;
  return [
    defineRoute({
      method: 'post',
      path: '/auth/register',
      public: true,
      summary: 'Create an account: a new organisation (registration: open) or one you were invited to',
      tags,
      request: {
        body: z.object({
          email: Email,
          password: Password,
          tenantName: z.string().trim().min(1).max(200).optional(),
          inviteToken: Token.optional(),
        }),
      },
      status: 201,
      responses: {
        201: { description: 'Registered and logged in', schema: TokenResponse },
        400: problem('Invalid invitation'),
        403: problem('Registration closed or by invitation only'),
        409: problem('Already a member'),
        422: problem('Invalid input or password refused by the policy'),
      },
      handler: async ({ body }, { req, res }) =>
        transport.deliver(await accounts.register(body, clientMetaOf(req)), req, res),
    }),
    defineRoute({
      method: 'get',
      path: '/auth/me',
      summary: 'The signed-in account',
      tags,
      permission: 'auth:basic',
      responses: { 200: { description: 'The account', schema: UserResponse } },
      handler: (_input, { req }) => accounts.me(claims.of(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/invitations',
      summary: 'Invite someone into the tenant with a role no higher than yours',
      tags,
      permission: 'auth:users:invite',
      request: { body: z.object({ email: Email, role: Role.default('member') }) },
      status: 201,
      responses: {
        201: { description: 'Invitation sent', schema: InvitationResponse },
        403: problem('Role above your own'),
      },
      handler: ({ body }, { req }) => accounts.invite(claims.of(req), body),
    }),
  ];
}
