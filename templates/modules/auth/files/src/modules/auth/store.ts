import { IsNull, MoreThan, Not, type DataSource, type FindOptionsWhere } from 'typeorm';
import {
  runWithTenant,
  Tenant,
  TenantRepository,
  type Page,
  type PageRequest,
  type WritableFields,
} from '../core/index.js';
import { Identity, type OAuthProvider } from './entities/identity.entity.js';
import { OneTimeToken, type OneTimePurpose } from './entities/one-time-token.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';
import { Session } from './entities/session.entity.js';
import { User } from './entities/user.entity.js';

/**
 * Data access of the auth module: every query of its features is a method here, and TypeORM stays in here. The
 * rows it returns are the entities' plain data. Every table is read and written through core's tenant-scoped
 * repositories, so auth works behind PostgreSQL row-level security too: methods without a `tenantId` act in the
 * current tenant, and tokens that arrive without a tenant (refresh tokens, emailed links) carry theirs in their
 * public part.
 */
export class AuthStore {
  private readonly users: TenantRepository<User>;
  private readonly sessions: TenantRepository<Session>;
  private readonly refreshTokens: TenantRepository<RefreshToken>;
  private readonly oneTimeTokens: TenantRepository<OneTimeToken>;
  private readonly identities: TenantRepository<Identity>;

  constructor(
    private readonly dataSource: DataSource,
    rowLevelSecurity: boolean,
  ) {
    this.users = new TenantRepository(dataSource, User, { rowLevelSecurity });
    this.sessions = new TenantRepository(dataSource, Session, { rowLevelSecurity });
    this.refreshTokens = new TenantRepository(dataSource, RefreshToken, { rowLevelSecurity });
    this.oneTimeTokens = new TenantRepository(dataSource, OneTimeToken, { rowLevelSecurity });
    this.identities = new TenantRepository(dataSource, Identity, { rowLevelSecurity });
  }

  async isActiveTenant(tenantId: string): Promise<boolean> {
    const tenant = await this.dataSource.getRepository(Tenant).findOne({ where: { id: tenantId } });
    return tenant?.active === true;
  }

  // Accounts

  userById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  async userByEmail(email: string): Promise<User | null> {
    const [user] = await this.users.list({ where: { email }, take: 1 });
    return user ?? null;
  }

  createUser(values: WritableFields<User>): Promise<User> {
    return this.users.create(values);
  }

  updateUser(id: string, values: WritableFields<User>): Promise<User | null> {
    return this.users.update(id, values);
  }

  countUsersWithRole(role: string): Promise<number> {
    return this.users.count({ role });
  }

  /** Accounts of the current tenant matching `where`. */
  countUsers(where: FindOptionsWhere<User>): Promise<number> {
    return this.users.count(where);
  }

  /** A page of the current tenant's accounts matching `where`, by email address (admin's user list). */
  usersWhere(where: FindOptionsWhere<User>, page: PageRequest): Promise<Page<User>> {
    return this.users.page({ list: 'auth.users.filtered', sortBy: 'email', where }, page);
  }

  /** A page of the tenant's accounts, by email address. */
  usersPage(tenantId: string, page: PageRequest): Promise<Page<User>> {
    return runWithTenant(tenantId, () => this.users.page({ list: 'auth.users', sortBy: 'email' }, page));
  }

  // Identities of social and single sign-on providers

  async identityOf(provider: OAuthProvider, subject: string): Promise<Identity | null> {
    const [identity] = await this.identities.list({ where: { provider, subject }, take: 1 });
    return identity ?? null;
  }

  async linkIdentity(values: WritableFields<Identity>): Promise<void> {
    await this.identities.create(values);
  }

  // Sessions and refresh tokens

  createSession(values: WritableFields<Session>): Promise<Session> {
    return this.sessions.create(values);
  }

  sessionById(id: string): Promise<Session | null> {
    return this.sessions.findById(id);
  }

  async updateSession(id: string, values: WritableFields<Session>): Promise<void> {
    await this.sessions.update(id, values);
  }

  /**
   * A page of the user's live sessions, newest first: by absolute expiry, which is fixed when a session opens
   * (its last-seen time moves, and would move a session within a walk).
   */
  liveSessionsPage(tenantId: string, userId: string, now: number, page: PageRequest): Promise<Page<Session>> {
    const where = { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) };
    return runWithTenant(tenantId, () =>
      this.sessions.page({ list: 'auth.sessions', sortBy: 'expiresAt', direction: 'DESC', where }, page),
    );
  }

  /** Ends one live session of the user; false when it is not one (another user's, already ended, unknown). */
  async revokeSession(tenantId: string, userId: string, sessionId: string, now: number): Promise<boolean> {
    const where = { id: sessionId, userId, revokedAt: IsNull() };
    return (await runWithTenant(tenantId, () => this.sessions.updateWhere(where, { revokedAt: now }))) === 1;
  }

  /**
   * Ends every live session of the user but `keep`, in one statement with the tenant in its WHERE, however many
   * there are; returns how many ended.
   */
  revokeUserSessions(tenantId: string, userId: string, now: number, keep?: string): Promise<number> {
    const where = { userId, revokedAt: IsNull(), ...(keep === undefined ? {} : { id: Not(keep) }) };
    return runWithTenant(tenantId, () => this.sessions.updateWhere(where, { revokedAt: now }));
  }

  async createRefreshToken(values: WritableFields<RefreshToken>): Promise<void> {
    await this.refreshTokens.create(values);
  }

  async refreshTokenByHash(tenantId: string, tokenHash: string): Promise<RefreshToken | null> {
    const [row] = await runWithTenant(tenantId, () => this.refreshTokens.list({ where: { tokenHash }, take: 1 }));
    return row ?? null;
  }

  /** Marks a refresh token used, atomically: false when another request used it first. */
  async useRefreshToken(token: RefreshToken, now: number): Promise<boolean> {
    const where = { id: token.id, usedAt: IsNull() };
    return (await runWithTenant(token.tenantId, () => this.refreshTokens.updateWhere(where, { usedAt: now }))) === 1;
  }

  // Emailed links (verification, reset, invitation, email change) and social logins' single-use codes

  async createOneTimeToken(values: WritableFields<OneTimeToken>): Promise<void> {
    await this.oneTimeTokens.create(values);
  }

  async oneTimeTokenByHash(tenantId: string, tokenHash: string, purpose: OneTimePurpose): Promise<OneTimeToken | null> {
    const where = { tokenHash, purpose };
    const [row] = await runWithTenant(tenantId, () => this.oneTimeTokens.list({ where, take: 1 }));
    return row ?? null;
  }

  /** Marks a one-time token used, atomically: false when another request used it first. */
  async useOneTimeToken(token: OneTimeToken, now: number): Promise<boolean> {
    const where = { id: token.id, usedAt: IsNull() };
    return (await runWithTenant(token.tenantId, () => this.oneTimeTokens.updateWhere(where, { usedAt: now }))) === 1;
  }
}
