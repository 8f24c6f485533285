import { IsNull, Not } from 'typeorm';
import { runWithTenant, type Page, type PageRequest } from '../../core/index.js';
import type { RoleGrant } from '../rbac.js';
import type { Roles } from '../roles.js';
import type { SessionService } from '../sessions/service.js';
import type { AuthStore } from '../store.js';
import { publicUser, type PublicUser } from '../views.js';

declare module '../../core/contract.js' {
  interface AppHooks {
    /** Auth's accounts as another module (admin) manages them; auth provides the one implementation. */
    authUserDirectory: () => UserDirectory;
  }
}

export interface UserFilter {
  /** The exact address (auth keeps addresses trimmed and lower-cased). */
  email?: string | undefined;
  status?: 'active' | 'disabled' | undefined;
}

/**
 * The tenant's accounts for a module that manages them (admin): read them, change a role or the disabled state,
 * end every session. Every method but `page` acts in the current tenant, so a caller running it inside core's
 * `tenantTransaction` gets the change and whatever it records there in one transaction; it decides who may act,
 * auth's rules (`mayActOn`, `assertGrantable`) say what a role may do.
 */
export class UserDirectory {
  constructor(
    private readonly store: AuthStore,
    private readonly roles: Roles,
    private readonly sessions: SessionService,
  ) {}

  /** A page of the tenant's accounts by email address, filtered by address and status. */
  page(tenantId: string, filter: UserFilter, page: PageRequest): Promise<Page<PublicUser>> {
    return runWithTenant(tenantId, async () => {
      const status =
        filter.status === undefined ? {} : { disabledAt: filter.status === 'active' ? IsNull() : Not(IsNull()) };
      const email = filter.email === undefined ? {} : { email: filter.email.trim().toLowerCase() };
      const users = await this.store.usersWhere({ ...email, ...status }, page);
      return { items: users.items.map(publicUser), nextCursor: users.nextCursor };
    });
  }

  async find(userId: string): Promise<PublicUser | null> {
    const user = await this.store.userById(userId);
    return user === null ? null : publicUser(user);
  }

  /** The grant of a role of the current tenant, with its permissions when it is the tenant's own. */
  async grantOf(role: string): Promise<RoleGrant> {
    return (await this.roles.grantOf(role)) ?? { role, permissions: [] };
  }

  /** Whether `actor` may act on an account holding `target`: never one ranked above, or holding more. */
  mayActOn(actor: RoleGrant, target: RoleGrant): boolean {
    return this.roles.mayActOn(actor, target);
  }

  /** Refuses (400 unknown role, 403 above the actor's own) a role the actor may not hand out. */
  assertGrantable(actor: RoleGrant, role: string, tenantId: string): Promise<void> {
    return this.roles.assertGrantable(actor, role, tenantId);
  }

  /** Enabled owners of the current tenant other than `except`. */
  otherActiveOwners(except: string): Promise<number> {
    return this.store.countUsers({ role: 'owner', disabledAt: IsNull(), id: Not(except) });
  }

  async setRole(userId: string, role: string): Promise<PublicUser | null> {
    const user = await this.store.updateUser(userId, { role });
    return user === null ? null : publicUser(user);
  }

  async setDisabled(userId: string, disabled: boolean): Promise<PublicUser | null> {
    const user = await this.store.updateUser(userId, { disabledAt: disabled ? Date.now() : null });
    return user === null ? null : publicUser(user);
  }

  /** Ends every session of the user (no refresh) and every access token signed before now. Returns how many. */
  endSessions(tenantId: string, userId: string): Promise<number> {
    return this.sessions.endAll(tenantId, userId);
  }
}
