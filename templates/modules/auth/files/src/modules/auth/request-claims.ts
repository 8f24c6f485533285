import type { Request } from 'express';
import { HttpError } from '../core/index.js';
import type { AccessClaims } from './tokens.js';

/**
 * The verified access-token claims of each request one app's auth authenticated: written by its `authenticate`
 * hook, read by its `authorize` hook and its routes. One per app, made in `setup`; a request of another app is
 * never in it.
 */
export class RequestClaims {
  private readonly byRequest = new WeakMap<Request, AccessClaims>();

  remember(req: Request, claims: AccessClaims): void {
    this.byRequest.set(req, claims);
  }

  find(req: Request): AccessClaims | undefined {
    return this.byRequest.get(req);
  }

  /** The claims of the request; 401 when it carries no valid access token. */
  of(req: Request): AccessClaims {
    const claims = this.byRequest.get(req);
    if (claims === undefined) throw new HttpError(401, { detail: 'Authentication is required.' });
    return claims;
  }
}
