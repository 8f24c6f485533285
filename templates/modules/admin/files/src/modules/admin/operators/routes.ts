import { z } from 'zod';
import {
  defineRoute,
  PageQuery,
  pageRequestOf,
  pageSchema,
  type RequestSchemas,
  type RouteDefinition,
} from '../../core/index.js';
import { OPERATOR_SCHEME, problem, tags, type GuardedRouteSpec } from '../guard.js';
import type { OperatorCaller, OperatorService } from './service.js';

const SignInBody = z.object({
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(128),
  code: z
    .string()
    .regex(/^\d{6}$/, 'six digits')
    .meta({ maxLength: 6 })
    .describe('The current code of the operator’s authenticator app'),
});
const SignInResponse = z.object({
  accessToken: z.string().describe('An operator token: refused by every tenant route'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
});
const TenantResponse = z.object({ id: z.string(), name: z.string(), active: z.boolean(), createdAt: z.string() });

/**
 * Every operator route goes through here: the operator token is checked before the handler runs (core's
 * authenticate hooks know nothing of it, so no permission of a tenant's role can open these routes).
 */
export function operatorRoute<const S extends RequestSchemas>(
  operators: OperatorService,
  spec: GuardedRouteSpec<S, OperatorCaller>,
): RouteDefinition {
  const { handler, responses, ...rest } = spec;
  return defineRoute<S>({
    ...rest,
    tags,
    security: [{ [OPERATOR_SCHEME]: [] }],
    responses: { ...responses, 401: problem('No valid operator token') },
    handler: async (input, context) => handler(input, await operators.callerOf(context.req), context),
  });
}

/** Operators' sign-in and what they run: the platform's tenants. */
export function operatorRoutes(operators: OperatorService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/operators/login',
      summary: 'Sign in as a platform operator: email, password and a TOTP code at once',
      description:
        'Operators are created only by `npm run admin:create-operator`; there is no registration. A TOTP code is accepted once.',
      tags,
      public: true,
      request: { body: SignInBody },
      responses: {
        200: { description: 'An operator token', schema: SignInResponse },
        401: problem('Wrong email, password or code, or a code already used'),
        429: problem('Too many attempts for this address'),
      },
      handler: ({ body }, { req }) => operators.signIn(body, req),
    }),
    operatorRoute(operators, {
      method: 'get',
      path: '/admin/platform/tenants',
      summary: 'Every tenant of the platform, by id',
      request: { query: PageQuery },
      responses: {
        200: { description: 'A page of tenants', schema: pageSchema(TenantResponse) },
        400: problem('Bad limit or cursor'),
      },
      handler: ({ query }) => operators.tenants(pageRequestOf(query)),
    }),
  ];
}
