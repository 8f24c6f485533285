import type { Request, RequestHandler } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from '../http/problem.js';
import type { Limiter } from './rate-limiter.js';

export type KeyOf = (req: Request) => string;

/** The client address, as Express derives it under the configured `trust proxy` setting. */
export const byClientAddress: KeyOf = (req) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** `RateLimit-Policy` / `RateLimit` as in the IETF RateLimit header fields draft, for `limiter`'s current state. */
export function rateLimitHeaders(limiter: Limiter, state: RateLimiterRes): Record<string, string> {
  const reset = Math.ceil(state.msBeforeNext / 1000);
  const remaining = Math.max(0, state.remainingPoints);
  return {
    'RateLimit-Policy': `"${limiter.name}";q=${String(limiter.points)};w=${String(limiter.windowSeconds)}`,
    RateLimit: `"${limiter.name}";r=${String(remaining)};t=${String(reset)}`,
  };
}

/**
 * The 429 for a request `limiter` refused: `Retry-After`, and the refusing limiter's RateLimit headers, which replace
 * any an earlier (looser) limiter set, so the answer never shows quota left.
 */
export function tooManyRequests(limiter: Limiter, state: RateLimiterRes): HttpError {
  const retryAfter = String(Math.max(1, Math.ceil(state.msBeforeNext / 1000)));
  return new HttpError(429, {
    type: 'urn:problem:rate-limited',
    detail: `Too many requests; retry in ${retryAfter} s.`,
    headers: { ...rateLimitHeaders(limiter, state), 'Retry-After': retryAfter },
  });
}

/** Consumes one point per request; over the limit, answers 429 with `Retry-After`. */
export function rateLimit(limiter: Limiter, keyOf: KeyOf = byClientAddress): RequestHandler {
  return async (req, res, next) => {
    try {
      const state = await limiter.backend.consume(keyOf(req));
      res.set(rateLimitHeaders(limiter, state));
      next();
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw tooManyRequests(limiter, rejection);
    }
  };
}
