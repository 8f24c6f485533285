import { RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError, tooManyRequests, type Limiter, type RateLimiterFactory } from '../core/index.js';

const MAX_LOCK_SECONDS = 86_400;

/** The identifier lockout counts by: however the email is spelt (case, surrounding spaces), one account. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export interface LockoutOptions {
  threshold: number;
  windowSeconds: number;
}

/**
 * Account lockout on rate-limiter-flexible counters (Redis when REDIS_URL is set, so every replica shares them):
 * `threshold` failures within the window lock the account for the window length, doubling with each lockout
 * within a day, capped at 24 h. Counts exist for unknown accounts too, so a locked answer reveals nothing.
 */
export class Lockout {
  private readonly failures: Limiter;
  private readonly lockouts: Limiter;

  constructor(
    factory: RateLimiterFactory,
    private readonly options: LockoutOptions,
  ) {
    this.failures = factory.create({
      name: 'auth-failures',
      points: options.threshold,
      windowSeconds: options.windowSeconds,
      failClosed: true,
    });
    this.lockouts = factory.create({
      name: 'auth-lockouts',
      points: 1_000_000,
      windowSeconds: MAX_LOCK_SECONDS,
      failClosed: true,
    });
  }

  async isLocked(key: string): Promise<boolean> {
    const state = await storeCall(this.failures.backend.get(key));
    return state !== null && state.consumedPoints > this.options.threshold;
  }

  /** Counts a failure; returns the lock length in seconds when this failure locked the account. */
  async fail(key: string): Promise<number | undefined> {
    const state = await consume(this.failures, key);
    if (state.consumedPoints < this.options.threshold) return undefined;
    const lockouts = await consume(this.lockouts, key);
    const seconds = Math.min(
      MAX_LOCK_SECONDS,
      this.options.windowSeconds * 2 ** Math.min(16, lockouts.consumedPoints - 1),
    );
    await storeCall(this.failures.backend.block(key, seconds));
    return seconds;
  }

  async succeed(key: string): Promise<void> {
    await storeCall(this.failures.backend.delete(key));
  }

  async unlock(key: string): Promise<void> {
    await storeCall(this.failures.backend.delete(key));
    await storeCall(this.lockouts.backend.delete(key));
  }
}

const storeDown = () =>
  new HttpError(503, { detail: 'Rate limits cannot be checked; retry shortly.', headers: { 'Retry-After': '5' } });

/** A counter store call; the store being unreachable (auth limits fail closed) becomes 503, never "no limit". */
export async function storeCall<Result>(call: Promise<Result>): Promise<Result> {
  try {
    return await call;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw rejection;
    throw storeDown();
  }
}

/** Consumes one point: the counter's state, spent or not; the store being unreachable becomes 503. */
async function consume(limiter: Limiter, key: string): Promise<RateLimiterRes> {
  try {
    return await limiter.backend.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw storeDown();
  }
}

/** Consumes one point of `limiter` for `key`, answering 429 with this limiter's headers when it is spent. */
export async function limitOrRefuse(limiter: Limiter, key: string): Promise<void> {
  const state = await consume(limiter, key);
  if (state.consumedPoints > limiter.points) throw tooManyRequests(limiter, state);
}
