import type { Permission } from '../core/index.js';
import type { Role } from './entities/user.entity.js';

export const ROLES: readonly Role[] = ['member', 'admin', 'owner'];

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

/** Permissions auth itself declares. Every signed-in user holds `auth:basic` and `auth:session`. */
export const AUTH_PERMISSIONS: readonly Permission[] = [
  { name: 'auth:basic', description: 'What a session may do before its second factor: profile, logout, MFA enrolment' },
  { name: 'auth:session', description: 'Use one’s own account: profile, sessions, password' },
  { name: 'auth:users:read', description: 'List the accounts of the tenant' },
  { name: 'auth:users:invite', description: 'Invite people into the tenant' },
  { name: 'auth:users:manage', description: 'Change roles, disable and unlock accounts of the tenant' },
];

/** Owner-only powers: handing out ownership goes through `roleMayGrant`, not a permission. */
const ADMIN_DENIED = new Set<string>();

/**
 * The default role policy of every tenant: owners hold every permission any module declares; admins every one
 * except owner-only ones; members their own session and any `…:read` permission outside auth's user management.
 */
export function roleHas(role: Role, permission: string): boolean {
  switch (role) {
    case 'owner':
      return true;
    case 'admin':
      return !ADMIN_DENIED.has(permission);
    case 'member':
      return permission === 'auth:basic' || permission === 'auth:session' || (permission.endsWith(':read') && !permission.startsWith('auth:'));
  }
}

export function rankOf(role: Role): number {
  return RANK[role];
}

/** A user may grant a role up to their own, and may act only on accounts ranked no higher than theirs. */
export function roleMayGrant(actor: Role, granted: Role): boolean {
  return RANK[granted] <= RANK[actor];
}
