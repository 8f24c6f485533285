/*
 * The auth module's public surface. Other modules guard routes with a route `permission` (or the
 * `requirePermission` middleware on a raw router), declare their own permissions in their contract, and may
 * listen to `onAuthEvent` for an audit trail.
 */
import type { AppModule } from '../core/index.js';
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
import { authHooks } from './hooks.js';
import { authSecuritySchemes } from './http.js';
import { AUTH_PERMISSIONS } from './rbac.js';
import { authRoutes } from './routes.js';
import { authPersonalData } from './personal-data.js';
import { createRuntime, type AuthModuleOptions } from './runtime.js';

export type { AuthEvent } from './events.js';
export type { Role } from './entities/user.entity.js';
export type { AccessClaims } from './tokens.js';
export type { AuthModuleOptions } from './runtime.js';
export { roleHas } from './rbac.js';
export type { RoleGrant } from './rbac.js';
export type { PublicUser } from './views.js';
// For a module that manages the tenant's accounts (admin): read it with `context.hooks.all('authUserDirectory')`.
export type { UserDirectory, UserFilter } from './users/directory.js';
export { requirePermission } from '../core/index.js';
// For a module that keeps credentials of its own (admin's platform operators): the same hashing, password rules
// and TOTP, with its replay guard, as accounts get.
export { PasswordHasher, passwordProblem } from './passwords.js';
export { normalizeEmail } from './lockout.js';
export { matchTotp, newTotpSecret, otpauthUri } from './totp.js';

/** The auth module built with `options`; apps install `authModule`, tests may build one with cheaper hashing. */
export function createAuthModule(options: AuthModuleOptions = {}): AppModule {
  return {
    name: 'auth',
    description: 'Accounts, login, sessions, MFA, users and roles',
    securitySchemes: authSecuritySchemes,
    entities: [User, Session, RefreshToken, OneTimeToken, MfaFactor, RecoveryCode, MfaCode, Identity, CustomRole],
    migrations: [
      AuthCreateTables1767225700000,
      AuthMfaCodes1767225800000,
      AuthIdentities1767225900000,
      AuthRoles1767226000000,
    ],
    permissions: AUTH_PERMISSIONS,
    sensitiveFields: ['passwordHash', 'tokenHash', 'codeHash', 'currentPassword', 'newPassword'],
    // One runtime per app: its keys, revocation list, services and per-request claims live here and nowhere else.
    setup: (context) => {
      const runtime = createRuntime(context, options);
      return { routes: authRoutes(runtime), hooks: authHooks(runtime), personalData: authPersonalData(runtime) };
    },
  };
}

export const authModule: AppModule = createAuthModule();
