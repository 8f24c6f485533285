import type { Page, PageRequest } from '../../core/index.js';
import type { AuthEvent } from '../events.js';
import { grantOfToken } from '../rbac.js';
import type { RoleView } from '../roles.js';
import type { FeatureDeps } from '../services.js';
import type { SessionService } from '../sessions/service.js';
import type { AccessClaims } from '../tokens.js';
import type { ClientMeta } from '../views.js';

export interface NewRole {
  name: string;
  description: string;
  permissions: readonly string[];
}

export interface RoleChange {
  description?: string | undefined;
  permissions?: readonly string[] | undefined;
}

/** Roles: the built-in ones and those a tenant defines from the permissions the app's modules declare. */
export class RoleService {
  constructor(
    private readonly deps: FeatureDeps,
    private readonly sessions: SessionService,
  ) {}

  list(claims: AccessClaims, page: PageRequest): Promise<Page<RoleView>> {
    return this.deps.roles.list(claims.tenant, page);
  }

  async create(claims: AccessClaims, input: NewRole, meta: ClientMeta): Promise<RoleView> {
    const role = await this.deps.roles.create(grantOfToken(claims), claims.tenant, input);
    await this.record('role.created', claims, meta, { role: role.name, permissions: role.permissions });
    return role;
  }

  /** Changes a tenant's own role; when its permissions change, its holders' live tokens stop (they carry the old). */
  async update(claims: AccessClaims, name: string, input: RoleChange, meta: ClientMeta): Promise<RoleView> {
    const { role, permissionsChanged } = await this.deps.roles.update(grantOfToken(claims), claims.tenant, name, input);
    // One entry, however many hold the role: their tokens die on the next request, and a refresh signs new ones.
    if (permissionsChanged) await this.sessions.endRoleTokens(claims.tenant, name);
    await this.record('role.updated', claims, meta, { role: name, permissions: role.permissions });
    return role;
  }

  /** Deletes a tenant's own role that nobody holds. */
  async remove(claims: AccessClaims, name: string, meta: ClientMeta): Promise<void> {
    const holders = (role: string) => this.deps.store.countUsersWithRole(role);
    await this.deps.roles.remove(grantOfToken(claims), claims.tenant, name, holders);
    await this.record('role.deleted', claims, meta, { role: name });
  }

  private record(type: AuthEvent['type'], claims: AccessClaims, meta: ClientMeta, detail: Record<string, unknown>) {
    return this.deps.events.emit({ type, tenantId: claims.tenant, actorId: claims.sub, ip: meta.ip, detail });
  }
}
