import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { AppConfig } from '../../config.js';
import { findCurrentTenantId, type Logger, type LoggerExtension } from '../core/index.js';
import { currentTraceIds } from './tracing.js';

interface RequestStore {
  req: Request;
  /** Captured when the request starts, inside its server span. */
  trace: { traceId: string; spanId: string } | undefined;
}

const requests = new AsyncLocalStorage<RequestStore>();

/** Makes the request visible to every log line written while it is served, whichever logger writes it. */
export function requestContext(): RequestHandler {
  return (req, _res, next) => {
    requests.run({ req, trace: currentTraceIds() }, next);
  };
}

/** The ids every line carries: request, tenant, user (once a principal exists) and trace. */
function correlationIds(): Record<string, unknown> {
  const store = requests.getStore();
  const trace = store?.trace ?? currentTraceIds();
  const tenantId = findCurrentTenantId() ?? store?.req.principal?.tenantId;
  const userId = store?.req.principal?.subject;
  return {
    ...(store === undefined ? {} : { requestId: store.req.id }),
    ...(tenantId === undefined ? {} : { tenantId }),
    ...(userId === undefined ? {} : { userId }),
    ...(trace === undefined ? {} : trace),
  };
}

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** The logger extension: correlation ids on every line; pino-pretty in development when installed and wanted. */
export function loggingExtension(config: AppConfig): LoggerExtension {
  const pretty = config.env.NODE_ENV === 'development' && config.observability.prettyLogs && prettyAvailable();
  return {
    mixin: correlationIds,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}

const levelOf = (status: number) => (status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info');
const pathOf = (req: Request) => (req.originalUrl || req.url).split('?', 1)[0];

/**
 * The default access log: one line per request when it ends, written with the app's logger (so with the
 * correlation ids): `req.method`, `req.path` (never the query string), `res.status`, `ms`. Server errors log at
 * `error`, client errors at `warn`; a client that hung up first is logged as status 499, `request aborted`.
 * Same fields as the pino-http variant at a fraction of its cost (no child logger per request).
 */
export function compactAccessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let logged = false;
    const end = () => {
      if (logged) return;
      logged = true;
      const status = res.writableFinished ? res.statusCode : 499;
      const level = levelOf(status);
      if (!logger.isLevelEnabled(level)) return;
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      logger[level]({ req: { method: req.method, path: pathOf(req) }, res: { status }, ms }, status === 499 ? 'request aborted' : 'request');
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  };
}

/**
 * The pino-http variant (`access_log: pino-http`): method, path without its query string, status, duration,
 * and the correlation ids. Server errors log at `error`, client errors at `warn`. `req.log` is the request's logger.
 */
export function pinoHttpAccessLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    // The mixin already adds the request id; a child binding would write it twice.
    genReqId: (req) => (req as Request).id,
    customAttributeKeys: { responseTime: 'ms' },
    serializers: {
      req: (req: Request) => ({ method: req.method, path: pathOf(req) }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => (error !== undefined ? 'error' : levelOf(res.statusCode)),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
    wrapSerializers: false,
  });
}
