import { In, IsNull, type DataSource, type Repository } from 'typeorm';
import { Tenant, TenantRepository, type WritableFields } from '../core/index.js';
import { OneTimeToken, type OneTimePurpose } from './entities/one-time-token.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';
import { Session } from './entities/session.entity.js';
import { User } from './entities/user.entity.js';

/**
 * Data access of the auth module; TypeORM stays in here. Users and sessions are read through core's
 * tenant-scoped repositories. Two lookups cannot know the tenant yet and go by unguessable token hash instead
 * (a refresh token, an emailed token); every row they return carries its tenant, which the caller then enters.
 */
export class AuthStore {
  readonly users: TenantRepository<User>;
  readonly sessions: TenantRepository<Session>;
  readonly refreshTokens: TenantRepository<RefreshToken>;
  readonly oneTimeTokens: TenantRepository<OneTimeToken>;
  private readonly rawRefresh: Repository<RefreshToken>;
  private readonly rawOneTime: Repository<OneTimeToken>;
  private readonly rawSessions: Repository<Session>;

  constructor(
    private readonly dataSource: DataSource,
    rowLevelSecurity: boolean,
  ) {
    this.users = new TenantRepository(dataSource, User, { rowLevelSecurity });
    this.sessions = new TenantRepository(dataSource, Session, { rowLevelSecurity });
    this.refreshTokens = new TenantRepository(dataSource, RefreshToken, { rowLevelSecurity });
    this.oneTimeTokens = new TenantRepository(dataSource, OneTimeToken, { rowLevelSecurity });
    this.rawRefresh = dataSource.getRepository(RefreshToken);
    this.rawOneTime = dataSource.getRepository(OneTimeToken);
    this.rawSessions = dataSource.getRepository(Session);
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

  refreshTokenByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.rawRefresh.findOne({ where: { tokenHash } });
  }

  oneTimeTokenByHash(tokenHash: string, purpose: OneTimePurpose): Promise<OneTimeToken | null> {
    return this.rawOneTime.findOne({ where: { tokenHash, purpose } });
  }

  /** Marks a refresh token used, atomically: false when another request used it first. */
  async useRefreshToken(token: RefreshToken, now: number): Promise<boolean> {
    const result = await this.rawRefresh.update({ id: token.id, tenantId: token.tenantId, usedAt: IsNull() }, { usedAt: now });
    return result.affected === 1;
  }

  async useOneTimeToken(token: OneTimeToken, now: number): Promise<boolean> {
    const result = await this.rawOneTime.update({ id: token.id, tenantId: token.tenantId, usedAt: IsNull() }, { usedAt: now });
    return result.affected === 1;
  }

  /** Revokes the given sessions, or every live one of the user; returns the ids revoked. */
  async revokeSessions(tenantId: string, userId: string, now: number, only?: string): Promise<string[]> {
    const live = await this.rawSessions.find({ where: { tenantId, userId, revokedAt: IsNull(), ...(only === undefined ? {} : { id: only }) }, select: { id: true } });
    const ids = live.map((session) => session.id);
    if (ids.length > 0) await this.rawSessions.update({ tenantId, id: In(ids) }, { revokedAt: now });
    return ids;
  }
}
