import type { RequestHandler } from 'express';
import { requestContextOf, runInRequestContext, type AccessLine } from './logging.js';
import { httpDurations } from './metrics/http.js';
import type { PromMetrics } from './metrics/registry.js';

/**
 * Everything this module does on each request, in one middleware with one listener (each middleware costs every
 * request a router trip, each listener an allocation): the request's log context around the rest of the chain,
 * the in-flight count, and once the response closes, its duration in the histogram and, unless pino-http writes
 * it, its access line. A response that closed before it finished is the client hanging up: status 499.
 */
export function observeRequests(metrics: PromMetrics, accessLine?: AccessLine): RequestHandler {
  const recordDuration = httpDurations(metrics);
  return (req, res, next) => {
    const started = performance.now();
    const context = requestContextOf(req);
    metrics.inFlight++;
    // 'close' comes once per response, after 'finish' or on a hang-up; a hang-up runs outside the request's context.
    res.on('close', () => {
      metrics.inFlight--;
      const status = res.writableFinished ? res.statusCode : 499;
      const ms = performance.now() - started;
      recordDuration(req, status, ms);
      if (accessLine !== undefined) {
        runInRequestContext(context, () => {
          accessLine(req, status, ms);
        });
      }
    });
    runInRequestContext(context, next);
  };
}
