import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface LimiterOptions {
  /** Distinguishes this limiter's counters from every other limiter's, e.g. `login`. */
  name: string;
  points: number;
  windowSeconds: number;
  /**
   * While Redis is unreachable, refuse (the store call rejects; answer 503) instead of counting in each replica's
   * memory. For limits that guard credentials: with N replicas, memory counters would allow N times the guesses.
   */
  failClosed?: boolean;
}

export interface Limiter {
  readonly name: string;
  readonly points: number;
  readonly windowSeconds: number;
  readonly backend: RateLimiterAbstract;
}

export interface RateLimiterFactory {
  create(options: LimiterOptions): Limiter;
  /** Connects to Redis (when used). Resolves false when it is unreachable; limits then stay in memory until it is back. */
  connect(): Promise<boolean>;
  /** Present when Redis is configured: resolves when it answers PING, rejects when it does not. */
  readonly ping?: () => Promise<void>;
  close(): Promise<void>;
}

/**
 * Counters live in Redis when `redisUrl` is set, so every replica shares them; otherwise in this process's memory.
 * If Redis becomes unreachable, each limiter falls back to memory counters instead of failing requests, unless it
 * was created `failClosed`.
 */
export function createRateLimiterFactory(options: {
  redisUrl: string | undefined;
  keyPrefix?: string;
}): RateLimiterFactory {
  const prefix = options.keyPrefix ?? 'rl';
  const redis =
    options.redisUrl === undefined
      ? undefined
      : new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  // Without a listener, ioredis reports every reconnect attempt as an unhandled error event.
  redis?.on('error', () => undefined);

  return {
    create({ name, points, windowSeconds, failClosed = false }) {
      const common = { keyPrefix: `${prefix}:${name}`, points, duration: windowSeconds };
      const backend =
        redis === undefined
          ? new RateLimiterMemory(common)
          : new RateLimiterRedis({
              ...common,
              storeClient: redis,
              ...(failClosed ? {} : { insuranceLimiter: new RateLimiterMemory(common) }),
            });
      return { name, points, windowSeconds, backend };
    },
    async connect() {
      if (redis === undefined) return true;
      try {
        await redis.connect();
        return true;
      } catch {
        // ioredis keeps reconnecting in the background; until then the insurance limiters count in memory.
        return false;
      }
    },
    ...(redis === undefined
      ? {}
      : {
          ping: async () => {
            await redis.ping();
          },
        }),
    async close() {
      if (redis === undefined || redis.status === 'end') return;
      // QUIT needs a live connection; while Redis is unreachable, drop the reconnecting socket instead.
      await redis.quit().catch(() => {
        redis.disconnect();
      });
    },
  };
}
