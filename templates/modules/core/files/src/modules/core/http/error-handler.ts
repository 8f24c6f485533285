import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import type { Logger } from '../logger.js';
import { HttpError, PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';

/** Errors raised by Express's body parser carry a `type` we can translate into a client error. */
const BODY_PARSER_ERRORS: Record<string, { status: number; title: string; detail: string }> = {
  'entity.too.large': { status: 413, title: 'Content Too Large', detail: 'The request body exceeds the size limit.' },
  'entity.parse.failed': { status: 400, title: 'Malformed JSON', detail: 'The request body is not valid JSON.' },
  'encoding.unsupported': {
    status: 415,
    title: 'Unsupported Media Type',
    detail: 'The body encoding is not supported.',
  },
  'charset.unsupported': { status: 415, title: 'Unsupported Media Type', detail: 'The body charset is not supported.' },
  'request.aborted': { status: 400, title: 'Bad Request', detail: 'The request was aborted.' },
};

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).json(problem);
}

/**
 * A unique or primary-key violation that gets here lost a race: two requests created the same thing at once, after
 * the service's own check for a duplicate passed for both. The loser gets the 409 that check gives, without the
 * constraint's name.
 */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (isUniqueViolation(error))
    return new HttpError(409, { detail: 'The request conflicts with a resource that already exists.' });
  if (typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string') {
    const known = BODY_PARSER_ERRORS[error.type];
    if (known !== undefined) return new HttpError(known.status, { title: known.title, detail: known.detail });
  }
  return undefined;
}

/**
 * The challenge a 401 must carry (RFC 9110). Per RFC 6750, a request that presented a bearer token which was
 * refused learns `invalid_token`; one that presented none gets the bare challenge.
 */
function bearerChallenge(req: Request): string {
  const presented = /^bearer\s+\S/i.test(req.get('authorization') ?? '');
  return presented
    ? 'Bearer error="invalid_token", error_description="The access token is invalid or expired"'
    : 'Bearer';
}

/**
 * The last middleware: every error becomes `application/problem+json` with the request id. Outside development
 * an unexpected error shows no message, stack, SQL or ORM name; they go to the log instead.
 */
export function errorHandler(logger: Logger, showDetails: boolean): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known = toHttpError(error);
    if (known !== undefined) {
      if (known.status >= 500) logger.error({ err: error, requestId: req.id }, 'request failed');
      // The refusing step's headers win over earlier ones, e.g. a login limiter's RateLimit over the global one.
      res.set(known.headers);
      if (known.status === 401 && res.get('WWW-Authenticate') === undefined)
        res.set('WWW-Authenticate', bearerChallenge(req));
      sendProblem(res, {
        ...known.extensions,
        type: known.type,
        title: known.title,
        status: known.status,
        ...(known.detail === undefined ? {} : { detail: known.detail }),
        instance: req.originalUrl.split('?', 1)[0],
        requestId: req.id,
      });
      return;
    }
    logger.error({ err: error, requestId: req.id }, 'unhandled error');
    const internal: Problem = {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      instance: req.originalUrl.split('?', 1)[0],
      requestId: req.id,
    };
    if (showDetails && error instanceof Error) {
      internal.detail = error.message;
      internal.stack = error.stack;
    }
    sendProblem(res, internal);
  };
}

/** Unknown routes answer 404 in the same problem format as everything else. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(new HttpError(404, { detail: `No route for ${req.method} ${req.path}.` }));
  };
}
