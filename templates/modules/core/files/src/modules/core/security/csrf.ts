import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../http/problem.js';
import { constantTimeEqual, hmac, randomToken } from './crypto.js';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type SessionLookup = (req: Request) => string | undefined;

export interface CsrfOptions {
  key: Buffer;
  production: boolean;
  /**
   * Each module's `sessionOf` hook; the token is bound to the first session id found. Read per request: modules
   * register their hooks in `setup`, after the app made its Csrf.
   */
  sessionLookups: () => readonly SessionLookup[];
}

/**
 * Signed double-submit CSRF tokens. The token is `<nonce>.<HMAC(key, session id, nonce)>`, sent both as a
 * cookie and in the `X-CSRF-Token` header. A token planted by a sibling subdomain or stolen from another session
 * fails the signature check because it is bound to the session it was issued for.
 */
export class Csrf {
  readonly cookieName: string;
  private readonly cookieOptions: CookieOptions;

  constructor(private readonly options: CsrfOptions) {
    // `__Host-` pins the cookie to this exact host over HTTPS: no Domain attribute, Path=/, Secure.
    this.cookieName = options.production ? '__Host-csrf' : 'csrf';
    this.cookieOptions = { httpOnly: true, sameSite: 'strict', secure: options.production, path: '/' };
  }

  /** Issues a fresh token for the caller's session and sets the cookie half of the pair. */
  issue(req: Request, res: Response): string {
    const nonce = randomToken(18);
    const token = `${nonce}.${this.sign(this.sessionOf(req), nonce)}`;
    res.cookie(this.cookieName, token, this.cookieOptions);
    return token;
  }

  /**
   * Checks unsafe requests that ride on a cookie session: one a module's `sessionOf` hook recognises, or a principal
   * authenticated `via: 'session'`. A bearer token, or cookies that are no session (an analytics id, a consent
   * flag), carry no ambient authority, so a cross-site page gains nothing by forging such a request.
   */
  protect(): RequestHandler {
    return (req, _res, next) => {
      if (SAFE_METHODS.has(req.method) || isBearer(req) || !this.ridesOnSession(req)) {
        next();
        return;
      }
      next(
        this.verify(req)
          ? undefined
          : new HttpError(403, {
              type: 'urn:problem:csrf-failed',
              title: 'CSRF check failed',
              detail: 'Send the token from GET /csrf-token in the X-CSRF-Token header.',
            }),
      );
    };
  }

  private ridesOnSession(req: Request): boolean {
    return req.principal?.via === 'session' || this.sessionOf(req) !== '';
  }

  private verify(req: Request): boolean {
    const header = req.get(CSRF_HEADER);
    const cookies = req.cookies as Record<string, unknown> | undefined;
    const cookie = cookies?.[this.cookieName];
    if (header === undefined || typeof cookie !== 'string' || !constantTimeEqual(header, cookie)) return false;
    const [nonce, signature, ...rest] = header.split('.');
    if (nonce === undefined || signature === undefined || rest.length > 0) return false;
    return constantTimeEqual(signature, this.sign(this.sessionOf(req), nonce));
  }

  private sign(sessionId: string, nonce: string): string {
    // Length-prefixing keeps ("ab", "c") and ("a", "bc") from signing the same string.
    return hmac(this.options.key, `${String(sessionId.length)}:${sessionId}:${nonce}`);
  }

  private sessionOf(req: Request): string {
    for (const lookup of this.options.sessionLookups()) {
      const id = lookup(req);
      if (id !== undefined) return id;
    }
    return '';
  }
}

function isBearer(req: Request): boolean {
  return /^Bearer\s+\S/i.test(req.headers.authorization ?? '');
}
