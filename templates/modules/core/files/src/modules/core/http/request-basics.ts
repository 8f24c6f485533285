import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';

const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** Correlates a response, its log lines and a problem body. */
    id: string;
  }
}

/**
 * What every request gets first, in one middleware because each layer costs every request a router trip:
 * - a request id: a well-formed `X-Request-Id` from a proxy is kept, otherwise one is minted; echoed back;
 * - `Cache-Control: no-store`: API answers carry tokens or personal data often enough that caching must be
 *   opted into (a route sets its own header), not out of;
 * - one access-log line when the response finishes, skipped entirely when `info` is off or when a module
 *   writes the access log instead (`accessLog: false`).
 */
export function requestBasics(logger: Logger, options: { accessLog?: boolean } = {}): RequestHandler {
  const accessLog = options.accessLog ?? true;
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    res.setHeader('Cache-Control', 'no-store');
    if (accessLog && logger.isLevelEnabled('info')) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        logger.info(
          {
            requestId: req.id,
            method: req.method,
            path: req.path,
            status: res.statusCode,
            ms: Math.round(ms * 10) / 10,
          },
          'request',
        );
      });
    }
    next();
  };
}
