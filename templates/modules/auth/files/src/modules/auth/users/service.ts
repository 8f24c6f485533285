import { HttpError, runWithTenant, type Page, type PageRequest } from '../../core/index.js';
import type { Role } from '../entities/user.entity.js';
import { notFound } from '../errors.js';
import { grantOfToken } from '../rbac.js';
import type { FeatureDeps } from '../services.js';
import type { SessionService } from '../sessions/service.js';
import type { AccessClaims } from '../tokens.js';
import { publicUser, type ClientMeta, type PublicUser } from '../views.js';

export interface UserChange {
  role?: Role | undefined;
  disabled?: boolean | undefined;
}

/** User administration: the tenant's accounts, their roles, disabling and unlocking them. */
export class UserAdminService {
  constructor(
    private readonly deps: FeatureDeps,
    private readonly sessions: SessionService,
  ) {}

  async list(claims: AccessClaims, page: PageRequest): Promise<Page<PublicUser>> {
    const users = await this.deps.store.usersPage(claims.tenant, page);
    return { items: users.items.map(publicUser), nextCursor: users.nextCursor };
  }

  /** Changes another account's role or disabled state; never above the actor's own rank, never oneself. */
  async update(claims: AccessClaims, userId: string, input: UserChange, meta: ClientMeta): Promise<PublicUser> {
    return runWithTenant(claims.tenant, async () => {
      const { store, roles, events } = this.deps;
      const target = await store.userById(userId);
      if (target === null) throw notFound();
      if (target.id === claims.sub) {
        throw new HttpError(403, { detail: 'You cannot change your own role or disable yourself.' });
      }
      const targetGrant = (await roles.grantOf(target.role)) ?? { role: target.role, permissions: [] };
      if (!roles.mayActOn(grantOfToken(claims), targetGrant)) {
        throw new HttpError(403, { detail: 'You cannot manage an account ranked above yours.' });
      }
      if (input.role !== undefined) await roles.assertGrantable(grantOfToken(claims), input.role, claims.tenant);
      const changes: { role?: Role; disabledAt?: number | null } = {};
      if (input.role !== undefined && input.role !== target.role) changes.role = input.role;
      if (input.disabled !== undefined) changes.disabledAt = input.disabled ? (target.disabledAt ?? Date.now()) : null;
      const updated = (await store.updateUser(target.id, changes)) ?? target;
      // New role or disabled: live tokens carry the old state, so they stop now.
      if (changes.role !== undefined || input.disabled === true) await this.sessions.endAll(claims.tenant, target.id);
      const acted = { tenantId: claims.tenant, userId: target.id, actorId: claims.sub, ip: meta.ip };
      if (changes.role !== undefined) {
        await events.emit({ type: 'user.role_changed', ...acted, detail: { from: target.role, to: changes.role } });
      }
      if (input.disabled === true) await events.emit({ type: 'user.disabled', ...acted });
      return publicUser(updated);
    });
  }

  /** Lifts a lockout before it expires. */
  async unlock(claims: AccessClaims, userId: string, meta: ClientMeta): Promise<void> {
    const target = await runWithTenant(claims.tenant, () => this.deps.store.userById(userId));
    if (target === null) throw notFound();
    await this.deps.lockout.unlock(`${claims.tenant}:${target.email}`);
    const acted = { tenantId: claims.tenant, userId: target.id, actorId: claims.sub, ip: meta.ip };
    await this.deps.events.emit({ type: 'account.unlocked', ...acted });
  }
}
