import { HttpError, runWithTenant, type Page, type PageRequest } from '../../core/index.js';
import type { Session } from '../entities/session.entity.js';
import type { User } from '../entities/user.entity.js';
import { invalidRefresh } from '../errors.js';
import type { FeatureDeps } from '../services.js';
import { newRefreshToken, parseRefreshToken, tokenHash, type AccessClaims } from '../tokens.js';
import type { ClientMeta, SessionView, TokenPair } from '../views.js';

function deviceOf(userAgent: string): string {
  const browser = /(Edg|Firefox|Chrome|Safari|curl|PostmanRuntime|okhttp)\/?/i.exec(userAgent)?.[1] ?? 'Unknown client';
  const os = /(Windows|Android|iPhone|iPad|Mac OS X|Linux)/i.exec(userAgent)?.[1];
  return (os === undefined ? browser : `${browser} on ${os}`).slice(0, 100);
}

/**
 * Sessions and refresh: a session is one login on one device, with a family of rotating refresh tokens and
 * short-lived access tokens. Other features open sessions (a login, a registration) and end them (a password
 * change, disabling an account) through this service.
 */
export class SessionService {
  constructor(private readonly deps: FeatureDeps) {}

  /** Opens a session for the user (in the current tenant) and signs its first tokens. */
  async start(user: User, meta: ClientMeta, mfa: boolean): Promise<TokenPair> {
    const now = Date.now();
    const session = await this.deps.store.createSession({
      userId: user.id,
      device: deviceOf(meta.userAgent),
      ip: meta.ip.slice(0, 64),
      userAgent: meta.userAgent.slice(0, 500),
      lastSeenAt: now,
      expiresAt: now + this.deps.config.sessionAbsoluteSeconds * 1000,
      revokedAt: null,
      mfaAt: mfa ? now : null,
    });
    return this.issue(user, session, now);
  }

  /** Not under the per-address limit: a refresh token cannot be guessed, and many users may share one address. */
  async refresh(token: string, meta: ClientMeta): Promise<TokenPair> {
    const { store } = this.deps;
    const now = Date.now();
    const parsed = parseRefreshToken(token);
    if (parsed === undefined) throw invalidRefresh();
    const row = await store.refreshTokenByHash(parsed.tenantId, tokenHash(token));
    if (row === null) throw invalidRefresh();
    return runWithTenant(row.tenantId, async () => {
      const session = await store.sessionById(row.sessionId);
      if (session === null || session.revokedAt !== null || session.expiresAt <= now) throw invalidRefresh();
      if (row.usedAt !== null || !(await store.useRefreshToken(row, now))) {
        // A used token came back: it was stolen or raced; the whole family dies, the thief's copy included.
        await this.end(row.tenantId, session.userId, session.id);
        await this.deps.events.emit({
          type: 'refresh.reused',
          tenantId: row.tenantId,
          userId: session.userId,
          ip: meta.ip,
          detail: { sessionId: session.id },
        });
        throw invalidRefresh();
      }
      if (row.idleExpiresAt <= now) throw invalidRefresh();
      const user = await store.userById(session.userId);
      if (user === null || user.disabledAt !== null) throw invalidRefresh();
      const seen = { lastSeenAt: now, ip: meta.ip.slice(0, 64), userAgent: meta.userAgent.slice(0, 500) };
      await store.updateSession(session.id, seen);
      return this.issue(user, session, now);
    });
  }

  async logout(claims: AccessClaims): Promise<void> {
    await this.end(claims.tenant, claims.sub, claims.sid);
  }

  async logoutAll(claims: AccessClaims, meta: ClientMeta): Promise<void> {
    const count = await this.endAll(claims.tenant, claims.sub);
    const { tenant: tenantId, sub: userId } = claims;
    await this.deps.events.emit({ type: 'sessions.revoked', tenantId, userId, ip: meta.ip, detail: { count } });
  }

  async list(claims: AccessClaims, page: PageRequest): Promise<Page<SessionView>> {
    const sessions = await this.deps.store.liveSessionsPage(claims.tenant, claims.sub, Date.now(), page);
    return {
      items: sessions.items.map((session) => ({
        id: session.id,
        device: session.device,
        ip: session.ip,
        userAgent: session.userAgent,
        lastSeenAt: new Date(session.lastSeenAt).toISOString(),
        createdAt: session.createdAt.toISOString(),
        current: session.id === claims.sid,
      })),
      nextCursor: sessions.nextCursor,
    };
  }

  /** Ends one of the caller's own sessions; 404 for any other. */
  async revoke(claims: AccessClaims, sessionId: string): Promise<void> {
    if (!(await this.end(claims.tenant, claims.sub, sessionId))) {
      throw new HttpError(404, { detail: 'The resource does not exist.' });
    }
  }

  /** Ends one session of the user, in the database (no refresh) and in the revocation list (no access token). */
  async end(tenantId: string, userId: string, sessionId: string): Promise<boolean> {
    const ended = await this.deps.store.revokeSession(tenantId, userId, sessionId, Date.now());
    if (ended) await this.deps.revocations.revokeSessions([sessionId], this.revocationSeconds());
    return ended;
  }

  /**
   * Ends every session of the user but `keep`: one statement for the sessions, one entry for their access tokens
   * ("signed before now"), however many sessions there are. Returns how many ended.
   */
  async endAll(tenantId: string, userId: string, keep?: string): Promise<number> {
    const count = await this.deps.store.revokeUserSessions(tenantId, userId, Date.now(), keep);
    // Taken after the update: a token a refresh signed while it ran is older than this, and dies too.
    await this.deps.revocations.revokeUser(tenantId, userId, Date.now(), this.revocationSeconds(), keep);
    return count;
  }

  /** Stops the access tokens of every holder of a tenant's role, however many: they carry its old permissions. */
  async endRoleTokens(tenantId: string, role: string): Promise<void> {
    await this.deps.revocations.revokeRole(tenantId, role, Date.now(), this.revocationSeconds());
  }

  /** An access token for a session that just proved a second factor (in the current tenant). */
  async markMfa(claims: AccessClaims): Promise<{ accessToken: string; expiresIn: number }> {
    const now = Date.now();
    await this.deps.store.updateSession(claims.sid, { mfaAt: now });
    const { sub, tenant, role, sid } = claims;
    // A tenant's own role keeps its permissions: a token of such a role without them would be refused.
    const perms = claims.perms === undefined ? {} : { perms: claims.perms };
    const accessToken = await this.deps.tokens.sign({ sub, tenant, role, ...perms, sid, mfa: true, mfaAt: now }, now);
    return { accessToken, expiresIn: this.deps.config.accessTokenTtlSeconds };
  }

  private async issue(user: User, session: Session, now: number): Promise<TokenPair> {
    const { config } = this.deps;
    const refreshToken = newRefreshToken(user.tenantId, session.id);
    await this.deps.store.createRefreshToken({
      sessionId: session.id,
      tokenHash: tokenHash(refreshToken),
      idleExpiresAt: Math.min(session.expiresAt, now + config.sessionTimeout * 1000),
      usedAt: null,
    });
    // A tenant's own role travels with its permissions, so authorizing a request reads no table.
    const grant = await this.deps.roles.grantOf(user.role);
    const perms = grant?.permissions === undefined ? {} : { perms: [...grant.permissions] };
    const accessToken = await this.deps.tokens.sign(
      {
        sub: user.id,
        tenant: user.tenantId,
        role: user.role,
        ...perms,
        sid: session.id,
        mfa: session.mfaAt !== null,
        ...(session.mfaAt === null ? {} : { mfaAt: session.mfaAt }),
      },
      now,
    );
    const expiresIn = config.accessTokenTtlSeconds;
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn, tenantId: user.tenantId };
  }

  /** How long a revocation entry must live: as long as the longest access token, with a margin for clock skew. */
  private revocationSeconds(): number {
    return this.deps.config.accessTokenTtlSeconds + 60;
  }
}
