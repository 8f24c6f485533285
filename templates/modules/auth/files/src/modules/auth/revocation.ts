import { Redis } from 'ioredis';
import { HttpError } from '../core/index.js';

/** What a revocation check reads of an access token. */
export interface RevocableToken {
  sid: string;
  sub: string;
  tenant: string;
  role: string;
  /** When the token was signed, epoch milliseconds. */
  issuedAtMs: number;
}

/**
 * Access tokens that must stop working before they expire. Three kinds of entry, each one key however many tokens
 * it kills, so revoking "all of X" is one write, never a loop over X:
 * - a session (logout, a reused refresh token): its tokens die;
 * - a user (logout everywhere, password or email change, role change, disabling): every token of the user signed
 *   before the given time dies, except those of the session named `keep`;
 * - a tenant's role (its permissions changed): every token carrying the role signed before the given time dies, so
 *   each holder loses the old permissions on the next request and gets the new ones with the next refresh.
 * An entry lives as long as the longest access token, after which the tokens it names are dead anyway.
 */
export interface RevocationList {
  revokeSessions(sessionIds: readonly string[], ttlSeconds: number): Promise<void>;
  revokeUser(tenantId: string, userId: string, at: number, ttlSeconds: number, keep?: string): Promise<void>;
  revokeRole(tenantId: string, role: string, at: number, ttlSeconds: number): Promise<void>;
  isRevoked(token: RevocableToken): Promise<boolean>;
  close(): Promise<void>;
}

const sessionKey = (sessionId: string) => sessionId;
const userKey = (tenantId: string, userId: string) => `user:${tenantId}:${userId}`;
const roleKey = (tenantId: string, role: string) => `role:${tenantId}:${role}`;

/** A user entry: `<at>` or `<at>:<kept session id>`. */
function userEntry(at: number, keep: string | undefined): string {
  return keep === undefined ? String(at) : `${String(at)}:${keep}`;
}

/** Whether entries read for `token` (session, user, role; null when absent) kill it. */
function kills(token: RevocableToken, session: string | null, user: string | null, role: string | null): boolean {
  if (session !== null) return true;
  if (role !== null && token.issuedAtMs < Number(role)) return true;
  if (user === null) return false;
  const [at, keep] = user.split(':');
  return token.issuedAtMs < Number(at) && token.sid !== keep;
}

/** One process's memory: correct for a single replica (revocations are also in the database for refreshes). */
export function memoryRevocationList(): RevocationList {
  const entries = new Map<string, { value: string; until: number }>();
  const put = (key: string, value: string, ttlSeconds: number) => {
    entries.set(key, { value, until: Date.now() + ttlSeconds * 1000 });
    if (entries.size > 100_000) {
      const now = Date.now();
      for (const [id, entry] of entries) if (entry.until <= now) entries.delete(id);
    }
  };
  const read = (key: string) => {
    const entry = entries.get(key);
    return entry !== undefined && entry.until > Date.now() ? entry.value : null;
  };
  return {
    revokeSessions(sessionIds, ttlSeconds) {
      for (const id of sessionIds) put(sessionKey(id), '1', ttlSeconds);
      return Promise.resolve();
    },
    revokeUser(tenantId, userId, at, ttlSeconds, keep) {
      put(userKey(tenantId, userId), userEntry(at, keep), ttlSeconds);
      return Promise.resolve();
    },
    revokeRole(tenantId, role, at, ttlSeconds) {
      put(roleKey(tenantId, role), String(at), ttlSeconds);
      return Promise.resolve();
    },
    isRevoked(token) {
      const { sid, sub, tenant, role } = token;
      return Promise.resolve(
        kills(token, read(sessionKey(sid)), read(userKey(tenant, sub)), read(roleKey(tenant, role))),
      );
    },
    close: () => Promise.resolve(),
  };
}

/** Shared by every replica. While Redis is unreachable, authenticated requests fail closed with 503. */
export function redisRevocationList(url: string): RevocationList {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    keyPrefix: 'auth:revoked:',
  });
  redis.on('error', () => undefined);
  const unavailable = () =>
    new HttpError(503, {
      title: 'Service unavailable',
      detail: 'Token revocation cannot be checked; retry shortly.',
      headers: { 'Retry-After': '5' },
    });
  let connecting: Promise<void> | undefined;
  const ready = async () => {
    if (redis.status === 'wait') connecting ??= redis.connect().catch(() => undefined);
    await connecting;
  };
  const write = async (entries: readonly (readonly [string, string])[], ttlSeconds: number) => {
    await ready();
    const pipeline = redis.pipeline();
    for (const [key, value] of entries) pipeline.set(key, value, 'EX', ttlSeconds);
    try {
      await pipeline.exec();
    } catch {
      throw unavailable();
    }
  };
  return {
    revokeSessions: (sessionIds, ttlSeconds) =>
      write(
        sessionIds.map((id) => [sessionKey(id), '1']),
        ttlSeconds,
      ),
    revokeUser: (tenantId, userId, at, ttlSeconds, keep) =>
      write([[userKey(tenantId, userId), userEntry(at, keep)]], ttlSeconds),
    revokeRole: (tenantId, role, at, ttlSeconds) => write([[roleKey(tenantId, role), String(at)]], ttlSeconds),
    async isRevoked(token) {
      await ready();
      try {
        // One round trip for the three entries that can name this token.
        const [session, user, role] = await redis.mget(
          sessionKey(token.sid),
          userKey(token.tenant, token.sub),
          roleKey(token.tenant, token.role),
        );
        return kills(token, session ?? null, user ?? null, role ?? null);
      } catch {
        throw unavailable();
      }
    },
    async close() {
      if (redis.status !== 'end' && redis.status !== 'wait') await redis.quit().catch(() => undefined);
    },
  };
}
