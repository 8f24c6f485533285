import type { DataSource } from 'typeorm';
import {
  HttpError,
  tenantTransaction,
  type Audit,
  type AuditEvent,
  type HookRegistry,
  type Page,
  type PageRequest,
} from '../../core/index.js';
import type { PublicUser, RoleGrant, UserDirectory, UserFilter } from '../../auth/index.js';
import type { AdminCaller } from '../guard.js';

/** Where the request came from, for the record. */
export type RequestMeta = Pick<AuditEvent, 'ip' | 'userAgent' | 'requestId'>;

const notFound = () => new HttpError(404, { detail: 'The resource does not exist.' });
const conflict = (detail: string) => new HttpError(409, { detail });

/** What one act did to the account, for the response and the record's before/after. */
interface Outcome {
  user: PublicUser;
  changes: NonNullable<AuditEvent['changes']>;
  detail?: Record<string, unknown>;
}

/**
 * A tenant admin's management of their own tenant's accounts, through auth's `UserDirectory`: list, disable and
 * enable, force logout, grant and revoke a role. Each act runs in one transaction as the caller's tenant (an id
 * of another tenant's account is not found there: 404) and appends its audit record in that transaction, so an
 * act and its record commit or roll back together.
 */
export class UserManagement {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rowLevelSecurity: boolean,
    private readonly hooks: HookRegistry,
    private readonly audit: Audit,
  ) {}

  list(caller: AdminCaller, filter: UserFilter, page: PageRequest): Promise<Page<PublicUser>> {
    return this.directory().page(caller.tenantId, filter, page);
  }

  /** Disables the account: it cannot log in or refresh, and every session and access token it holds ends now. */
  disable(caller: AdminCaller, userId: string, reason: string, meta: RequestMeta): Promise<PublicUser> {
    return this.act(caller, userId, 'admin.user.disabled', reason, meta, async (directory, target) => {
      if (target.id === caller.subject) throw new HttpError(403, { detail: 'You cannot disable yourself.' });
      if (target.disabled) throw conflict('The account is already disabled.');
      if (target.role === 'owner') await this.keepAnOwner(directory, target.id);
      const user = await directory.setDisabled(target.id, true);
      const sessions = await directory.endSessions(caller.tenantId, target.id);
      return { user: user ?? target, changes: { disabled: { before: false, after: true } }, detail: { sessions } };
    });
  }

  enable(caller: AdminCaller, userId: string, reason: string, meta: RequestMeta): Promise<PublicUser> {
    return this.act(caller, userId, 'admin.user.enabled', reason, meta, async (directory, target) => {
      if (!target.disabled) throw conflict('The account is not disabled.');
      const user = await directory.setDisabled(target.id, false);
      return { user: user ?? target, changes: { disabled: { before: true, after: false } } };
    });
  }

  /** Ends every session of the account (refresh tokens and live access tokens); the account stays usable. */
  logout(caller: AdminCaller, userId: string, reason: string, meta: RequestMeta): Promise<PublicUser> {
    return this.act(caller, userId, 'admin.user.logged_out', reason, meta, async (directory, target) => {
      const sessions = await directory.endSessions(caller.tenantId, target.id);
      return { user: target, changes: {}, detail: { sessions } };
    });
  }

  /**
   * Gives the account `role` in place of its own (an account holds one role): never a role above the caller's,
   * never on an account ranked above the caller, never leaving the tenant without an enabled owner.
   */
  grantRole(caller: AdminCaller, userId: string, role: string, reason: string, meta: RequestMeta) {
    return this.changeRole(caller, userId, role, reason, meta, 'admin.user.role_granted');
  }

  /** Takes the account's role away: it is a member again. */
  revokeRole(caller: AdminCaller, userId: string, reason: string, meta: RequestMeta) {
    return this.changeRole(caller, userId, 'member', reason, meta, 'admin.user.role_revoked');
  }

  private changeRole(
    caller: AdminCaller,
    userId: string,
    role: string,
    reason: string,
    meta: RequestMeta,
    action: string,
  ): Promise<PublicUser> {
    return this.act(caller, userId, action, reason, meta, async (directory, target, actor) => {
      await directory.assertGrantable(actor, role, caller.tenantId);
      if (target.role === role) throw conflict(`The account already holds the role ${role}.`);
      if (target.role === 'owner') await this.keepAnOwner(directory, target.id);
      const user = await directory.setRole(target.id, role);
      // Its live tokens carry the old role: they stop now, and a refresh signs tokens of the new one.
      const sessions = await directory.endSessions(caller.tenantId, target.id);
      return { user: user ?? target, changes: { role: { before: target.role, after: role } }, detail: { sessions } };
    });
  }

  private async keepAnOwner(directory: UserDirectory, leaving: string): Promise<void> {
    if ((await directory.otherActiveOwners(leaving)) === 0)
      throw conflict('This is the organisation’s last owner: make another account owner first.');
  }

  /**
   * One act on one account of the caller's tenant, in one transaction with its audit record. The caller's own role
   * is read now (not from the token), and the target must rank no higher than it.
   */
  private act(
    caller: AdminCaller,
    userId: string,
    action: string,
    reason: string,
    meta: RequestMeta,
    work: (directory: UserDirectory, target: PublicUser, actor: RoleGrant) => Promise<Outcome>,
  ): Promise<PublicUser> {
    const directory = this.directory();
    return tenantTransaction(this.dataSource, this.rowLevelSecurity, caller.tenantId, async (manager) => {
      const [target, self] = [await directory.find(userId), await directory.find(caller.subject)];
      if (target === null) throw notFound();
      if (self === null || self.disabled) throw new HttpError(403, { detail: 'Your account cannot act here.' });
      const actor = await directory.grantOf(self.role);
      if (target.id !== caller.subject && !directory.mayActOn(actor, await directory.grantOf(target.role)))
        throw new HttpError(403, { detail: 'You cannot manage an account ranked above yours.' });
      const outcome = await work(directory, target, actor);
      const changes = Object.keys(outcome.changes).length === 0 ? {} : { changes: outcome.changes };
      await this.audit.record(
        {
          action,
          outcome: 'success',
          tenantId: caller.tenantId,
          actor: { type: 'user', id: caller.subject },
          target: { type: 'user', id: target.id },
          ...changes,
          reason,
          ...meta,
          ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
        },
        { manager },
      );
      return outcome.user;
    });
  }

  /** Auth's directory of this app, read when a request runs (hooks are complete by then). */
  private directory(): UserDirectory {
    const [provide] = this.hooks.all('authUserDirectory');
    if (provide === undefined) throw new Error('the admin module needs the auth module (authUserDirectory)');
    return provide();
  }
}
