import {
  defineRoute,
  HttpError,
  type Principal,
  type RouteDefinition,
  type RouteSpec,
  type SecurityScheme,
} from '../core/index.js';
import type { RequestSchemas } from '../core/index.js';

/** The one permission everything under /admin needs (auth grants it to a tenant's owners and admins). */
export const ADMIN_PERMISSION = 'admin:console';
export const tags = ['admin'];
/** The scheme operator routes are documented under: a token of the operators' own audience, never auth's. */
export const OPERATOR_SCHEME = 'operatorBearerAuth';

/**
 * How admin routes are documented: auth's bearer access token, but only of a session that passed a second
 * factor and holds the admin permission. Its own scheme, so a client (and an API linter) sees that the console
 * asks more than any other route; auth's authenticate hook reads the token, admin's guard checks the rest.
 */
export function adminSecuritySchemes(): Record<string, SecurityScheme> {
  return {
    adminBearerAuth: {
      scheme: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: `An access token from POST /auth/login (a JWS verified as RFC8725 advises) whose session passed a second factor (\`mfa\`), of an account holding ${ADMIN_PERMISSION}`,
      },
    },
    [OPERATOR_SCHEME]: {
      scheme: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A platform operator token from POST /operators/login (its own key, audience and `typ`, verified as RFC8725 advises); tenant routes refuse it',
      },
    },
  };
}
export const problem = (description: string) => ({ description });

/** The caller of an admin route: authenticated, in a tenant, and past a second factor in this session. */
export interface AdminCaller {
  subject: string;
  tenantId: string;
}

export function adminCallerOf(principal: Principal | undefined): AdminCaller {
  if (principal === undefined) throw new HttpError(401, { detail: 'Authentication is required.' });
  if (principal.mfa !== true) {
    throw new HttpError(403, {
      type: 'urn:problem:mfa-required',
      title: 'Second factor required',
      detail: 'The admin console needs a session that passed a second factor; enrol one and log in again.',
    });
  }
  if (principal.tenantId === undefined) throw new HttpError(403, { detail: 'The session belongs to no tenant.' });
  return { subject: principal.subject, tenantId: principal.tenantId };
}

/** How old a second factor a sensitive act accepts (step-up). */
export const STEP_UP_SECONDS = 300;

/**
 * Step-up: the session's last second factor (auth's `mfa_at`) must be under five minutes old, else 401 with the
 * challenge of RFC 9470, so a client knows to prove it again (POST /auth/mfa/step-up) and retry.
 */
export function requireRecentSecondFactor(principal: Principal | undefined, now = Date.now()): void {
  const at = principal?.mfaAt;
  if (at !== undefined && now - at < STEP_UP_SECONDS * 1000 && at <= now + 60_000) return;
  const minutes = String(STEP_UP_SECONDS / 60);
  throw new HttpError(401, {
    type: 'urn:problem:step-up-required',
    title: 'Recent second factor required',
    detail: `This act needs a second factor less than ${minutes} minutes old: POST /auth/mfa/step-up with a current code, then retry with the token it returns.`,
    headers: {
      'WWW-Authenticate': `Bearer error="insufficient_user_authentication", error_description="A second factor less than ${minutes} minutes old is required", max_age=${String(STEP_UP_SECONDS)}`,
    },
  });
}

/** A route whose guard is fixed by its module and whose handler receives the caller the guard let through. */
export type GuardedRouteSpec<S extends RequestSchemas, Caller> = Omit<
  RouteSpec<S>,
  'permission' | 'public' | 'security' | 'handler' | 'tags'
> & {
  handler: (
    input: Parameters<RouteSpec<S>['handler']>[0],
    caller: Caller,
    context: Parameters<RouteSpec<S>['handler']>[1],
  ) => unknown;
};

/**
 * Every admin route goes through here, so none can be declared without the guard: the admin permission (core
 * checks it through auth's RBAC, in the token's own tenant) and then an MFA-verified session, before the handler.
 */
export function adminRoute<const S extends RequestSchemas>(
  spec: GuardedRouteSpec<S, AdminCaller> & {
    /** A sensitive act: also needs a second factor less than five minutes old (step-up). */
    stepUp?: boolean;
  },
): RouteDefinition {
  const { handler, responses, stepUp = false, ...rest } = spec;
  return defineRoute<S>({
    ...rest,
    tags,
    permission: ADMIN_PERMISSION,
    security: [{ adminBearerAuth: [] }],
    responses: {
      ...responses,
      401: problem(
        stepUp
          ? 'No valid access token, or (`urn:problem:step-up-required`) its second factor is over five minutes old'
          : 'No valid access token',
      ),
      403: problem('Not an admin of this tenant, or the session has not passed a second factor'),
    },
    handler: (input, context) => {
      const caller = adminCallerOf(context.principal);
      if (stepUp) requireRecentSecondFactor(context.principal);
      return handler(input, caller, context);
    },
  });
}
