import type { Permission } from '../core/index.js';

export type BuiltInRole = 'owner' | 'admin' | 'member';
export const BUILT_IN_ROLES: readonly BuiltInRole[] = ['member', 'admin', 'owner'];

/** Names of a tenant's own roles: short, lower case, never a built-in's. */
export const ROLE_NAME_PATTERN = /^[a-z][a-z0-9_-]{1,19}$/;

/** A role and, for a tenant's own role, the permissions it was given (built-ins follow the policy below). */
export interface RoleGrant {
  role: string;
  permissions?: readonly string[] | undefined;
}

/** Permissions auth itself declares. Every signed-in user holds `auth:basic` and `auth:session`. */
export const AUTH_PERMISSIONS: readonly Permission[] = [
  { name: 'auth:basic', description: 'What a session may do before its second factor: profile, logout, MFA enrolment' },
  { name: 'auth:session', description: 'Use one’s own account: profile, sessions, password' },
  { name: 'auth:users:read', description: 'List the accounts and roles of the tenant' },
  { name: 'auth:users:invite', description: 'Invite people into the tenant' },
  { name: 'auth:users:manage', description: 'Change roles, disable and unlock accounts of the tenant' },
  { name: 'auth:roles:manage', description: 'Create, change and delete the tenant’s own roles' },
];

const EVERYONE = new Set(['auth:basic', 'auth:session']);

export function heldByEveryone(permission: string): boolean {
  return EVERYONE.has(permission);
}

/** Custom roles rank between member and admin: admins and owners manage them; they never manage admins. */
const RANK: Record<BuiltInRole, number> = { member: 1, admin: 3, owner: 4 };
const CUSTOM_RANK = 2;

export function isBuiltIn(role: string): role is BuiltInRole {
  return (BUILT_IN_ROLES as readonly string[]).includes(role);
}

export function rankOf(role: string): number {
  return isBuiltIn(role) ? RANK[role] : CUSTOM_RANK;
}

/** What members hold of every module's permissions outside auth: reading one row, and listing them. */
const MEMBER_ACTIONS = [':read', ':list'];

/**
 * Whether a role holds a permission. The built-in policy of every tenant: owners hold every permission any module
 * declares; admins every one; members their own session and any `…:read` or `…:list` permission outside auth's
 * user management. A tenant's own role holds what it was given, plus what every signed-in user holds.
 */
export function roleHas(grant: RoleGrant, permission: string): boolean {
  if (EVERYONE.has(permission)) return true;
  switch (grant.role) {
    case 'owner':
    case 'admin':
      return true;
    case 'member':
      return MEMBER_ACTIONS.some((action) => permission.endsWith(action)) && !permission.startsWith('auth:');
    default:
      return grant.permissions?.includes(permission) ?? false;
  }
}

/**
 * Whether `actor` may grant `granted`, or act on an account holding it: never a role ranked above the actor's,
 * and never one holding a permission (of those the app declares) the actor does not hold.
 */
export function mayGrant(actor: RoleGrant, granted: RoleGrant, declared: readonly Permission[]): boolean {
  if (rankOf(granted.role) > rankOf(actor.role)) return false;
  return declared.every(({ name }) => !roleHas(granted, name) || roleHas(actor, name));
}

/** The role a token acts with, as it was when the token was signed. */
export function grantOfToken(claims: { role: string; perms?: string[] | undefined }): RoleGrant {
  return { role: claims.role, permissions: claims.perms };
}
