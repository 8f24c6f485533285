import type { Request, RequestHandler } from 'express';
import type { Principal } from '../contract.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set when a module's `authenticate` hook recognised the caller. */
    principal?: Principal;
  }
}

export type Authenticator = (req: Request) => Promise<Principal | undefined>;

/** Asks each module's authenticator in turn; the first that recognises the caller wins. */
export function authenticate(authenticators: readonly Authenticator[]): RequestHandler {
  return async (req, _res, next) => {
    for (const recognise of authenticators) {
      const principal = await recognise(req);
      if (principal !== undefined) {
        req.principal = principal;
        break;
      }
    }
    next();
  };
}
