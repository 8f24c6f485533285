import type { DataSource } from 'typeorm';
import {
  decodeCursor,
  encodeCursor,
  HttpError,
  invalidCursor,
  runWithTenant,
  TenantRepository,
  ValidationError,
  type Page,
  type PageRequest,
  type Permission,
} from '../core/index.js';
import { CustomRole } from './entities/role.entity.js';
import {
  BUILT_IN_ROLES,
  heldByEveryone,
  isBuiltIn,
  mayGrant,
  roleHas,
  type BuiltInRole,
  type RoleGrant,
} from './rbac.js';

export interface RoleView {
  name: string;
  description: string;
  builtIn: boolean;
  /** Every declared permission the role holds. */
  permissions: string[];
}

const BUILT_IN_DESCRIPTIONS: Record<string, string> = {
  owner: 'Every permission, and ownership of the organisation',
  admin: 'Every permission; cannot manage owners',
  member: 'Their own account, and every read permission outside user management',
};

const notFound = () => new HttpError(404, { detail: 'The resource does not exist.' });
const aboveOwn = () => new HttpError(403, { detail: 'You cannot grant a role above your own.' });

/**
 * The tenant's roles: the built-in owner, admin and member, and the roles a tenant defines for itself from the
 * permissions the app's modules declare. Nobody defines, changes or hands out a role holding more than they do.
 */
export class Roles {
  private readonly custom: TenantRepository<CustomRole>;

  constructor(
    dataSource: DataSource,
    rowLevelSecurity: boolean,
    private readonly declared: readonly Permission[],
  ) {
    this.custom = new TenantRepository(dataSource, CustomRole, { rowLevelSecurity });
  }

  /** The grant of a role name in the current tenant; undefined when the tenant has no such role. */
  async grantOf(role: string): Promise<RoleGrant | undefined> {
    if (isBuiltIn(role)) return { role };
    const [custom] = await this.custom.list({ where: { name: role }, take: 1 });
    return custom === undefined ? undefined : { role, permissions: custom.permissions };
  }

  /** For an invitation or a role change: the role must exist here and hold nothing the actor does not. */
  async assertGrantable(actor: RoleGrant, role: string, tenantId: string): Promise<void> {
    const granted = await runWithTenant(tenantId, () => this.grantOf(role));
    if (granted === undefined)
      throw new ValidationError([{ in: 'body', path: 'role', message: `The organisation has no role ${role}.` }]);
    if (!mayGrant(actor, granted, this.declared)) throw aboveOwn();
  }

  mayActOn(actor: RoleGrant, target: RoleGrant): boolean {
    return mayGrant(actor, target, this.declared);
  }

  /**
   * A page of the tenant's roles: the built-in ones first, in their fixed order, then its own by name. A cursor
   * among the built-in roles names one with an empty id; past them, it is the custom roles' own keyset cursor.
   */
  async list(tenantId: string, page: PageRequest): Promise<Page<RoleView>> {
    return runWithTenant(tenantId, async () => {
      const scope = { list: 'auth.roles', tenantId };
      const after = decodeCursor(page.cursor, { ...scope, valueType: 'string' });
      const amongBuiltIns = after !== undefined && after.id === '';
      if (amongBuiltIns && !isBuiltIn(String(after.value))) throw invalidCursor();
      const past = amongBuiltIns ? BUILT_IN_ROLES.indexOf(after.value as BuiltInRole) + 1 : BUILT_IN_ROLES.length;
      const start = after === undefined ? 0 : past;
      const builtIns = BUILT_IN_ROLES.slice(start, start + page.limit).map((role) =>
        this.view({ role }, BUILT_IN_DESCRIPTIONS[role] ?? '', true),
      );
      const room = page.limit - builtIns.length;
      if (room === 0) {
        const more = start + builtIns.length < BUILT_IN_ROLES.length || (await this.custom.count()) > 0;
        const last = builtIns.at(-1)?.name ?? '';
        return { items: builtIns, nextCursor: more ? encodeCursor(scope, { value: last, id: '' }) : null };
      }
      const cursor = after === undefined || amongBuiltIns ? undefined : page.cursor;
      const custom = await this.custom.page({ list: 'auth.roles', sortBy: 'name' }, { limit: room, cursor });
      const own = custom.items.map((row) =>
        this.view({ role: row.name, permissions: row.permissions }, row.description, false),
      );
      return { items: [...builtIns, ...own], nextCursor: custom.nextCursor };
    });
  }

  async create(
    actor: RoleGrant,
    tenantId: string,
    input: { name: string; description: string; permissions: readonly string[] },
  ): Promise<RoleView> {
    if (isBuiltIn(input.name))
      throw new ValidationError([{ in: 'body', path: 'name', message: `${input.name} is a built-in role.` }]);
    const permissions = this.grantable(actor, input.permissions);
    return runWithTenant(tenantId, async () => {
      if ((await this.grantOf(input.name)) !== undefined)
        throw new HttpError(409, { detail: `The organisation already has a role ${input.name}.` });
      const row = await this.custom.create({ name: input.name, description: input.description, permissions });
      return this.view({ role: row.name, permissions: row.permissions }, row.description, false);
    });
  }

  /** Returns the role as changed, and whether its permissions changed (its holders' tokens must then stop). */
  async update(
    actor: RoleGrant,
    tenantId: string,
    name: string,
    input: { description?: string | undefined; permissions?: readonly string[] | undefined },
  ): Promise<{ role: RoleView; permissionsChanged: boolean }> {
    return runWithTenant(tenantId, async () => {
      const row = await this.ownRole(actor, name);
      const permissions = input.permissions === undefined ? row.permissions : this.grantable(actor, input.permissions);
      const permissionsChanged = permissions.join(',') !== row.permissions.join(',');
      const updated =
        (await this.custom.update(row.id, { description: input.description ?? row.description, permissions })) ?? row;
      return {
        role: this.view({ role: updated.name, permissions: updated.permissions }, updated.description, false),
        permissionsChanged,
      };
    });
  }

  async remove(
    actor: RoleGrant,
    tenantId: string,
    name: string,
    holders: (role: string) => Promise<number>,
  ): Promise<void> {
    await runWithTenant(tenantId, async () => {
      const row = await this.ownRole(actor, name);
      const count = await holders(name);
      if (count > 0)
        throw new HttpError(409, {
          detail: `${String(count)} account(s) hold the role ${name}; give them another role first.`,
        });
      await this.custom.delete(row.id);
    });
  }

  /** A custom role of the current tenant that the actor may manage. */
  private async ownRole(actor: RoleGrant, name: string): Promise<CustomRole> {
    if (isBuiltIn(name)) throw new HttpError(403, { detail: 'Built-in roles cannot be changed.' });
    const [row] = await this.custom.list({ where: { name }, take: 1 });
    if (row === undefined) throw notFound();
    if (!mayGrant(actor, { role: row.name, permissions: row.permissions }, this.declared)) throw aboveOwn();
    return row;
  }

  /** Declared permissions only, each held by the actor; sorted, without the ones every signed-in user holds. */
  private grantable(actor: RoleGrant, permissions: readonly string[]): string[] {
    const known = new Set(this.declared.map((permission) => permission.name));
    const unknown = permissions.filter((permission) => !known.has(permission));
    if (unknown.length > 0)
      throw new ValidationError([
        { in: 'body', path: 'permissions', message: `No module declares ${unknown.join(', ')}.` },
      ]);
    const wanted = [...new Set(permissions)].filter((permission) => !heldByEveryone(permission)).sort();
    if (!wanted.every((permission) => roleHas(actor, permission))) throw aboveOwn();
    return wanted;
  }

  private view(grant: RoleGrant, description: string, builtIn: boolean): RoleView {
    return {
      name: grant.role,
      description,
      builtIn,
      permissions: this.declared.map((p) => p.name).filter((name) => roleHas(grant, name)),
    };
  }
}
