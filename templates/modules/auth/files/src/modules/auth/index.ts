/*
 * The auth module's public surface. Other modules guard routes with a route `permission` (or the
 * `requirePermission` middleware on a raw router), declare their own permissions in their contract, and may
 * listen to `onAuthEvent` for an audit trail.
 */
import { findCurrentTenantId, type AppModule, type Principal } from '../core/index.js';
import type { Request } from 'express';
import { Identity } from './entities/identity.entity.js';
import { MfaCode } from './entities/mfa-code.entity.js';
import { MfaFactor, RecoveryCode } from './entities/mfa.entity.js';
import { CustomRole } from './entities/role.entity.js';
import { OneTimeToken } from './entities/one-time-token.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';
import { Session } from './entities/session.entity.js';
import { User } from './entities/user.entity.js';
import { AuthCreateTables1767225700000 } from './migrations/1767225700000-auth-create-tables.js';
import { AuthMfaCodes1767225800000 } from './migrations/1767225800000-auth-mfa-codes.js';
import { AuthIdentities1767225900000 } from './migrations/1767225900000-auth-identities.js';
import { AuthRoles1767226000000 } from './migrations/1767226000000-auth-roles.js';
import { AUTH_PERMISSIONS, roleHas } from './rbac.js';
import { authRoutes } from './routes.js';
import { authPersonalData } from './personal-data.js';
import { runtimePerApp } from './runtime-per-app.js';
import { authenticateBearer, findClaims, mfaRequiredFor, refreshCookieSession, releaseRuntime, type AuthModuleOptions } from './runtime.js';

export type { AuthEvent } from './events.js';
export type { Role } from './entities/user.entity.js';
export type { AccessClaims } from './tokens.js';
export type { AuthModuleOptions } from './runtime.js';
export { claimsOf as accessClaimsOf } from './runtime.js';
export { roleHas } from './rbac.js';
export { requirePermission } from '../core/index.js';

/**
 * The `authorize` hook: the token's tenant must be the request's, the session must have passed MFA when it is
 * required, and the token's role must hold the permission.
 */
function authorize(principal: Principal, permission: string, req: Request): Promise<boolean> {
  const claims = findClaims(req);
  if (claims === undefined || claims.sub !== principal.subject) return Promise.resolve(false);
  const tenant = findCurrentTenantId();
  if (tenant !== undefined && tenant !== claims.tenant) return Promise.resolve(false);
  // mfa_required: a session that has not passed a second factor may only enrol one (and see itself, log out).
  if (!claims.mfa && permission !== 'auth:basic' && mfaRequiredFor(req)) return Promise.resolve(false);
  return Promise.resolve(roleHas({ role: claims.role, permissions: claims.perms }, permission));
}

/** The auth module built with `options`; apps install `authModule`, tests may build one with cheaper hashing. */
export function createAuthModule(options: AuthModuleOptions = {}): AppModule {
  const runtimeOf = runtimePerApp(options);
  return {
    name: 'auth',
    entities: [User, Session, RefreshToken, OneTimeToken, MfaFactor, RecoveryCode, MfaCode, Identity, CustomRole],
    migrations: [AuthCreateTables1767225700000, AuthMfaCodes1767225800000, AuthIdentities1767225900000, AuthRoles1767226000000],
    routes: (context) => authRoutes(runtimeOf(context)),
    personalData: (context) => authPersonalData(runtimeOf(context)),
    permissions: AUTH_PERMISSIONS,
    sensitiveFields: ['passwordHash', 'tokenHash', 'codeHash', 'currentPassword', 'newPassword'],
    hooks: {
      authenticate: authenticateBearer,
      authorize,
      sessionOf: refreshCookieSession,
      onShutdown: releaseRuntime,
    },
  };
}

export const authModule: AppModule = createAuthModule();
