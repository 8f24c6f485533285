import type { CookieOptions, Request, Response } from 'express';
import { z } from 'zod';
import type { AppConfig } from '../../config.js';
import { TENANT_ID_PATTERN, type SecurityScheme } from '../core/index.js';
import { ROLE_NAME_PATTERN } from './rbac.js';
import type { AuthRuntime } from './runtime.js';
import type { ClientMeta, MfaChallenge, TokenPair } from './views.js';

/* What auth's feature routes share: request schemas, response schemas, and the HTTP side of tokens. */

export const Email = z.string().trim().min(3).max(254).pipe(z.email());
/** Generous on purpose: the policy (at most 128) answers with its own message; this only stops huge inputs. */
export const Password = z.string().min(1).max(1024);
export const Token = z.string().min(16).max(200);
export const TenantId = z.string().max(63).regex(TENANT_ID_PATTERN);
export const Role = z
  .string()
  .regex(ROLE_NAME_PATTERN, 'owner, admin, member or a role the organisation defined')
  .describe('owner, admin, member, or one of the organisation’s own roles')
  .meta({ maxLength: 20 });
export const IdParams = z.object({ id: z.uuid().meta({ maxLength: 36 }) });
export const Code = z
  .string()
  .regex(/^\d{6}$/)
  .meta({ maxLength: 6 });
export const FactorMethod = z.enum(['totp', 'email', 'sms']);

export const TokenResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string().optional().describe('Absent in cookie mode: the refresh token is in the httpOnly cookie'),
  csrfToken: z.string().optional().describe('Cookie mode: send in X-CSRF-Token with the refresh and logout calls'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  tenantId: z.string(),
});
export const MfaChallengeResponse = z.object({
  mfaRequired: z.literal(true),
  mfaToken: z.string().describe('Send to POST /auth/mfa/verify with a code; it opens nothing else'),
  methods: z
    .array(z.enum(['totp', 'email', 'sms', 'recovery_code']))
    .describe('How this account can answer; email and SMS codes are sent by POST /auth/mfa/challenge'),
});
export const UserResponse = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  role: Role,
  emailVerified: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
});

export const tags = ['auth'];

/** The access token authenticates every guarded route; in cookie mode the refresh token also rides in a cookie. */
export function authSecuritySchemes(config: AppConfig): Record<string, SecurityScheme> {
  const bearerAuth: SecurityScheme = {
    scheme: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'The access token from POST /auth/login: a JWS verified as RFC8725 advises (HS256 only, explicit `typ` ' +
        'at+jwt, issuer, audience and expiry checked)',
    },
    yieldsPrincipal: true,
  };
  if (config.auth.tokenTransport !== 'cookie') return { bearerAuth };
  const refreshCookie: SecurityScheme = {
    scheme: {
      type: 'apiKey',
      in: 'cookie',
      name: '__Host-refresh',
      description: 'The refresh token, set by login in an httpOnly cookie (named `refresh` outside production)',
    },
  };
  return { bearerAuth, refreshCookie };
}
export const problem = (description: string) => ({ description });

export function clientMetaOf(req: Request): ClientMeta {
  return {
    ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    userAgent: (req.get('user-agent') ?? '').slice(0, 500),
  };
}

/** The HTTP side of tokens: where the refresh token travels (body or cookie), built once per app. */
export interface TokenTransport {
  /** Cookie mode moves the refresh token into the cookie and issues a CSRF token bound to the new session. */
  deliver(pair: TokenPair | MfaChallenge, req: Request, res: Response): object;
  /** The refresh token of the cookie, in cookie mode. */
  cookieToken(req: Request): string | undefined;
  /** Ends the refresh cookie, in cookie mode. */
  clear(res: Response): void;
}

export function tokenTransport(runtime: AuthRuntime): TokenTransport {
  const { context, refreshCookie } = runtime;
  const cookieMode = context.config.auth.tokenTransport === 'cookie';
  const production = context.config.env.NODE_ENV === 'production';
  const cookieOptions: CookieOptions = { httpOnly: true, secure: production, sameSite: 'strict', path: '/' };
  return {
    deliver(pair, req, res) {
      if (!cookieMode || !('refreshToken' in pair)) return pair;
      const maxAge = context.config.auth.sessionAbsoluteSeconds * 1000;
      res.cookie(refreshCookie, pair.refreshToken, { ...cookieOptions, maxAge });
      (req.cookies as Record<string, string>)[refreshCookie] = pair.refreshToken;
      const { accessToken, tokenType, expiresIn, tenantId } = pair;
      return { accessToken, tokenType, expiresIn, tenantId, csrfToken: context.csrf.issue(req, res) };
    },
    cookieToken(req) {
      const value = (req.cookies as Record<string, unknown>)[refreshCookie];
      return typeof value === 'string' ? value : undefined;
    },
    clear(res) {
      if (cookieMode) res.clearCookie(refreshCookie, cookieOptions);
    },
  };
}
