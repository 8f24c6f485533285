import type { Request } from 'express';
import { findCurrentTenantId, type AppHooks, type Principal } from '../core/index.js';
import { bearerTokenOf, runStrategy } from './passport.js';
import { roleHas } from './rbac.js';
import type { AuthRuntime } from './runtime.js';
import { sessionIdOf, type AccessClaims } from './tokens.js';
import { UserDirectory } from './users/directory.js';

/** The hooks of one app's auth, built in `setup` over that app's runtime: its keys, its revocations, its claims. */
export function authHooks(runtime: AuthRuntime): Partial<AppHooks> {
  const { claims } = runtime;
  const { mfaRequired } = runtime.context.config.auth;
  const directory = new UserDirectory(runtime.store, runtime.roles, runtime.services.sessions);
  return {
    authUserDirectory: () => directory,
    /** A valid, unrevoked access token (passport's `jwt` strategy) becomes the request's principal. */
    async authenticate(req: Request): Promise<Principal | undefined> {
      if (bearerTokenOf(req) === undefined) return undefined;
      const verified = await runStrategy<AccessClaims>(runtime.bearer, req);
      if (verified === undefined) return undefined;
      claims.remember(req, verified);
      const secondFactorAt = verified.mfaAt === undefined ? {} : { mfaAt: verified.mfaAt };
      return { subject: verified.sub, tenantId: verified.tenant, via: 'bearer', mfa: verified.mfa, ...secondFactorAt };
    },
    /**
     * The token's tenant must be the request's, the session must have passed MFA when it is required, and the
     * token's role must hold the permission.
     */
    authorize(principal: Principal, permission: string, req: Request): Promise<boolean> {
      const verified = claims.find(req);
      if (verified === undefined || verified.sub !== principal.subject) return Promise.resolve(false);
      const tenant = findCurrentTenantId();
      if (tenant !== undefined && tenant !== verified.tenant) return Promise.resolve(false);
      // mfa_required: a session that has not passed a second factor may only enrol one (and see itself, log out).
      if (!verified.mfa && permission !== 'auth:basic' && mfaRequired) return Promise.resolve(false);
      return Promise.resolve(roleHas({ role: verified.role, permissions: verified.perms }, permission));
    },
    /** CSRF tokens are bound to the session of the refresh cookie. */
    sessionOf(req: Request): string | undefined {
      const cookies = req.cookies as Record<string, unknown> | undefined;
      const value = cookies?.[runtime.refreshCookie];
      return typeof value === 'string' ? sessionIdOf(value) : undefined;
    },
    async onShutdown(): Promise<void> {
      await runtime.revocations.close();
    },
  };
}
