import { Redis } from 'ioredis';
import { HttpError } from '../core/index.js';

/**
 * Session ids whose access tokens must stop working before they expire (logout, logout-all, password change,
 * disabling a user). An entry lives as long as the longest access token, after which the token is dead anyway.
 */
export interface RevocationList {
  revoke(sessionIds: readonly string[], ttlSeconds: number): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** One process's memory: correct for a single replica (revocations are also in the database for refreshes). */
export function memoryRevocationList(): RevocationList {
  const until = new Map<string, number>();
  return {
    revoke(sessionIds, ttlSeconds) {
      const expires = Date.now() + ttlSeconds * 1000;
      for (const id of sessionIds) until.set(id, expires);
      if (until.size > 100_000) {
        const now = Date.now();
        for (const [id, at] of until) if (at <= now) until.delete(id);
      }
      return Promise.resolve();
    },
    isRevoked(sessionId) {
      const at = until.get(sessionId);
      return Promise.resolve(at !== undefined && at > Date.now());
    },
    close: () => Promise.resolve(),
  };
}

/** Shared by every replica. While Redis is unreachable, authenticated requests fail closed with 503. */
export function redisRevocationList(url: string): RevocationList {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, keyPrefix: 'auth:revoked:' });
  redis.on('error', () => undefined);
  const unavailable = () => new HttpError(503, { title: 'Service unavailable', detail: 'Token revocation cannot be checked; retry shortly.', headers: { 'Retry-After': '5' } });
  let connecting: Promise<void> | undefined;
  const ready = async () => {
    if (redis.status === 'wait') connecting ??= redis.connect().catch(() => undefined);
    await connecting;
  };
  return {
    async revoke(sessionIds, ttlSeconds) {
      await ready();
      const pipeline = redis.pipeline();
      for (const id of sessionIds) pipeline.set(id, '1', 'EX', ttlSeconds);
      try {
        await pipeline.exec();
      } catch {
        throw unavailable();
      }
    },
    async isRevoked(sessionId) {
      await ready();
      try {
        return (await redis.exists(sessionId)) === 1;
      } catch {
        throw unavailable();
      }
    },
    async close() {
      if (redis.status !== 'end' && redis.status !== 'wait') await redis.quit().catch(() => undefined);
    },
  };
}
