import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from '../http/problem.js';
import type { Limiter } from './rate-limiter.js';

export type KeyOf = (req: Request) => string;

/** The client address, as Express derives it under the configured `trust proxy` setting. */
export const byClientAddress: KeyOf = (req) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** `RateLimit-Policy` / `RateLimit` as in the IETF RateLimit header fields draft. */
function setHeaders(res: Response, limiter: Limiter, state: RateLimiterRes): void {
  const reset = Math.ceil(state.msBeforeNext / 1000);
  res.setHeader('RateLimit-Policy', `"${limiter.name}";q=${String(limiter.points)};w=${String(limiter.windowSeconds)}`);
  res.setHeader('RateLimit', `"${limiter.name}";r=${String(Math.max(0, state.remainingPoints))};t=${String(reset)}`);
}

/** Consumes one point per request; over the limit, answers 429 with `Retry-After`. */
export function rateLimit(limiter: Limiter, keyOf: KeyOf = byClientAddress): RequestHandler {
  return async (req, res, next) => {
    try {
      const state = await limiter.backend.consume(keyOf(req));
      setHeaders(res, limiter, state);
      next();
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      setHeaders(res, limiter, rejection);
      const retryAfter = String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      throw new HttpError(429, {
        type: 'urn:problem:rate-limited',
        detail: `Too many requests; retry in ${retryAfter} s.`,
        headers: { 'Retry-After': retryAfter },
      });
    }
  };
}
