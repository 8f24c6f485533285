import { In, IsNull, type DataSource } from 'typeorm';
import { runWithTenant, Tenant, TenantRepository, type WritableFields } from '../core/index.js';
import { Identity } from './entities/identity.entity.js';
import { OneTimeToken, type OneTimePurpose } from './entities/one-time-token.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';
import { Session } from './entities/session.entity.js';
import { User } from './entities/user.entity.js';

/**
 * Data access of the auth module; TypeORM stays in here. Every table is read and written through core's
 * tenant-scoped repositories, so auth works behind PostgreSQL row-level security too: tokens that arrive
 * without a tenant (refresh tokens, emailed links) carry theirs in their public part.
 */
export class AuthStore {
  readonly users: TenantRepository<User>;
  readonly sessions: TenantRepository<Session>;
  readonly refreshTokens: TenantRepository<RefreshToken>;
  readonly oneTimeTokens: TenantRepository<OneTimeToken>;
  readonly identities: TenantRepository<Identity>;

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

  async userByEmail(email: string): Promise<User | null> {
    const [user] = await this.users.list({ where: { email }, take: 1 });
    return user ?? null;
  }

  createUser(values: WritableFields<User>): Promise<User> {
    return this.users.create(values);
  }

  async refreshTokenByHash(tenantId: string, tokenHash: string): Promise<RefreshToken | null> {
    const [row] = await runWithTenant(tenantId, () => this.refreshTokens.list({ where: { tokenHash }, take: 1 }));
    return row ?? null;
  }

  async oneTimeTokenByHash(tenantId: string, tokenHash: string, purpose: OneTimePurpose): Promise<OneTimeToken | null> {
    const [row] = await runWithTenant(tenantId, () => this.oneTimeTokens.list({ where: { tokenHash, purpose }, take: 1 }));
    return row ?? null;
  }

  /** Marks a refresh token used, atomically: false when another request used it first. */
  async useRefreshToken(token: RefreshToken, now: number): Promise<boolean> {
    return (await runWithTenant(token.tenantId, () => this.refreshTokens.updateWhere({ id: token.id, usedAt: IsNull() }, { usedAt: now }))) === 1;
  }

  async useOneTimeToken(token: OneTimeToken, now: number): Promise<boolean> {
    return (await runWithTenant(token.tenantId, () => this.oneTimeTokens.updateWhere({ id: token.id, usedAt: IsNull() }, { usedAt: now }))) === 1;
  }

  /** Revokes the given sessions, or every live one of the user; returns the ids revoked. */
  async revokeSessions(tenantId: string, userId: string, now: number, only?: string): Promise<string[]> {
    return runWithTenant(tenantId, async () => {
      const live = await this.sessions.list({ where: { userId, revokedAt: IsNull(), ...(only === undefined ? {} : { id: only }) }, take: 1000 });
      const ids = live.map((session) => session.id);
      if (ids.length > 0) await this.sessions.updateWhere({ id: In(ids), revokedAt: IsNull() }, { revokedAt: now });
      return ids;
    });
  }
}
