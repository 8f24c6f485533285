import type { Request, Response } from 'express';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { Strategy } from 'passport-strategy';
import { findCurrentTenantId, ValidationError } from '../core/index.js';
import { clientMetaOf } from './http.js';
import type { LoginService } from './login/service.js';
import type { AccessClaims } from './tokens.js';

/**
 * Auth's two ways in, as passport strategies, so an app adds its own beside them (`runtime.passport.use(...)`):
 * `local` checks an email and password, `jwt` an access token. Stateless: no passport session and no
 * serializeUser; sessions are auth's own (the sessions table and rotating refresh tokens). One instance per app
 * rather than passport's global one, so two apps in one process (tests) never share strategies.
 */
export function createPassport(deps: { login: LoginService; bearer: AccessTokenStrategy }): passport.Authenticator {
  const instance = new passport.Passport();
  instance.use(
    'local',
    new LocalStrategy(
      { usernameField: 'email', passReqToCallback: true, session: false },
      (req, email, password, done) => {
        // Lockout, rate limits and equal timing for unknown accounts live in the service; every failure is its 401.
        deps.login.checkPassword({ email, password, tenantId: loginTenant(bodyTenant(req)) }, clientMetaOf(req)).then(
          (user) => {
            done(null, user);
          },
          (error: unknown) => {
            done(error);
          },
        );
      },
    ),
  );
  instance.use('jwt', deps.bearer);
  return instance;
}

/**
 * `Authorization: Bearer <jwt>`. passport-jwt would verify with jsonwebtoken; this strategy verifies with jose
 * (explicit algorithm allowlist, header URLs never followed) through AccessTokens.
 */
export class AccessTokenStrategy extends Strategy {
  readonly name = 'jwt';

  constructor(private readonly verify: (token: string) => Promise<AccessClaims | undefined>) {
    super();
  }

  override authenticate(req: Request): void {
    const token = bearerTokenOf(req);
    // No token is no decision: another strategy (an API key, a session cookie) may recognise the caller.
    if (token === undefined) {
      this.pass();
      return;
    }
    this.verify(token).then(
      (claims) => {
        if (claims === undefined) this.fail(401);
        else this.success(claims);
      },
      (error: unknown) => {
        this.error(asError(error));
      },
    );
  }
}

export function bearerTokenOf(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/**
 * Runs one strategy as a promise: what it recognised, or undefined when it failed or passed. An error (a 401 or
 * 429 from the service, a store that is down) rejects.
 */
export function authenticateWith<Recognised>(
  instance: passport.Authenticator,
  strategy: string,
  req: Request,
): Promise<Recognised | undefined> {
  return new Promise((resolve, reject) => {
    const run = instance.authenticate(
      strategy,
      { session: false },
      (error: unknown, recognised: Recognised | false | undefined) => {
        if (error !== null && error !== undefined) reject(asError(error));
        else resolve(recognised === false ? undefined : recognised);
      },
    ) as (req: Request, res: Response, next: () => void) => void;
    // With a callback passport never writes the response; `next` is how a strategy that passed finishes.
    run(req, req.res as Response, () => {
      resolve(undefined);
    });
  });
}

const asError = (thrown: unknown): Error =>
  thrown instanceof Error ? thrown : new Error('passport strategy failed', { cause: thrown });

/**
 * Runs a strategy through passport's strategy protocol (success, fail, pass, error) without passport's middleware,
 * which adds login and logout helpers to every request it sees: on the bearer path, run for every request, that
 * cost 11 points of throughput (`bench:auth`, a guarded route at 72% of /health against 83.5%).
 */
export function runStrategy<Recognised>(strategy: Strategy, req: Request): Promise<Recognised | undefined> {
  return new Promise((resolve, reject) => {
    const attempt = Object.create(strategy) as Strategy;
    attempt.success = (recognised: Recognised) => {
      resolve(recognised);
    };
    attempt.fail = () => {
      resolve(undefined);
    };
    attempt.pass = () => {
      resolve(undefined);
    };
    attempt.redirect = () => {
      reject(new Error('a strategy run outside passport cannot redirect'));
    };
    attempt.error = (error: unknown) => {
      reject(asError(error));
    };
    attempt.authenticate(req, { session: false });
  });
}

/** The tenant a login names: the body's, else the one the request resolved (header, subdomain). */
export function loginTenant(bodyTenant: string | undefined): string {
  const tenant = bodyTenant ?? findCurrentTenantId();
  if (tenant === undefined)
    throw new ValidationError([
      { in: 'body', path: 'tenant', message: 'Name the tenant (in the body or the tenant header).' },
    ]);
  return tenant;
}

/** The route validated the body before passport reads it; `tenant` is optional there. */
function bodyTenant(req: Request): string | undefined {
  const tenant = (req.body as { tenant?: unknown } | undefined)?.tenant;
  return typeof tenant === 'string' ? tenant : undefined;
}
