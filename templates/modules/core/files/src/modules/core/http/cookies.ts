import cookieParser from 'cookie-parser';
import type { RequestHandler } from 'express';

/**
 * `req.cookies`, parsed only when the request has a Cookie header: most API calls carry none, and skipping
 * the parser for them is a measurable share of a tiny request's cost.
 */
export function cookies(): RequestHandler {
  const parse = cookieParser();
  return (req, res, next) => {
    if (req.headers.cookie === undefined) {
      req.cookies = {};
      next();
      return;
    }
    parse(req, res, next);
  };
}
