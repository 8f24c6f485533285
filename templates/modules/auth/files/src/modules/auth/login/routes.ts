import type { CookieOptions, Request } from 'express';
import { z } from 'zod';
import { defineRoute, findCurrentTenantId, HttpError, type RouteDefinition } from '../../core/index.js';
import type { User } from '../entities/user.entity.js';
import { invalidCredentials } from '../errors.js';
import {
  clientMetaOf,
  Email,
  MfaChallengeResponse,
  Password,
  problem,
  tags,
  TenantId,
  Token,
  TokenResponse,
} from '../http.js';
import type { TokenTransport } from '../http.js';
import { PENDING_SECONDS, type PendingLogin } from '../oauth.js';
import { authenticateWith } from '../passport.js';
import type { AuthRuntime } from '../runtime.js';

const OAuthProviderName = z.enum(['google', 'github', 'oidc']);
const LoggedInOrChallenged = z.union([TokenResponse, MfaChallengeResponse]);

/** Login and social login. */
export function loginRoutes(runtime: AuthRuntime, transport: TokenTransport): RouteDefinition[] {
  const { login } = runtime.services;
  const { context } = runtime;

  /** passport's `local` strategy answers every failure with the service's error; no account means no credentials. */
  const passwordStep = async (req: Request): Promise<User> => {
    const user = await authenticateWith<User>(runtime.passport, 'local', req);
    if (user === undefined) throw invalidCredentials();
    return user;
  };

  const passwordLogin = defineRoute({
    method: 'post',
    path: '/auth/login',
    public: true,
    summary: 'Log in with email and password',
    description: 'The same 401 answers an unknown account, a wrong password, a locked or disabled account.',
    tags,
    request: { body: z.object({ email: Email, password: Password, tenant: TenantId.optional() }) },
    responses: {
      200: {
        description: 'Logged in, or (account with MFA) a challenge for POST /auth/mfa/verify',
        schema: LoggedInOrChallenged,
      },
      401: problem('Login failed'),
      429: problem('Too many attempts from this address'),
    },
    handler: async (_input, { req, res }) =>
      transport.deliver(await login.login(await passwordStep(req), clientMetaOf(req)), req, res),
  });
  if (context.config.auth.oauthProviders.length === 0) return [passwordLogin];

  const production = context.config.env.NODE_ENV === 'production';
  // Lax, not Strict: the provider's redirect back is a cross-site navigation, which must carry this cookie.
  const oauthCookieOptions: CookieOptions = {
    httpOnly: true,
    secure: production,
    sameSite: 'lax',
    path: '/',
    maxAge: PENDING_SECONDS * 1000,
  };
  /** The sign-in this browser started (sealed in its cookie), for the provider that answers. */
  const pendingLogin = (req: Request, provider: string): PendingLogin => {
    const sealed = (req.cookies as Record<string, unknown>)[runtime.oauthCookie];
    let pending: PendingLogin | undefined;
    try {
      pending =
        typeof sealed === 'string'
          ? (JSON.parse(context.encryption.decrypt(sealed, 'auth-oauth')) as PendingLogin)
          : undefined;
    } catch {
      pending = undefined;
    }
    if (pending?.provider !== provider || pending.expiresAt <= Date.now()) {
      const detail = 'This sign-in was not started here, or took too long; start again.';
      throw new HttpError(400, { title: 'Sign-in expired', detail });
    }
    return pending;
  };

  return [
    defineRoute({
      method: 'get',
      path: '/auth/oauth/:provider/start',
      public: true,
      summary: 'Start signing in with a social or single sign-on provider (redirects to it)',
      description:
        'Authorization code flow with PKCE and state (and a nonce for OpenID Connect). With `tenant`, signs in to ' +
        'that organisation; without, and with open registration, a new organisation is created.',
      tags,
      request: { params: z.object({ provider: OAuthProviderName }), query: z.object({ tenant: TenantId.optional() }) },
      status: 302,
      responses: {
        302: { description: 'To the provider' },
        404: problem('Provider not offered'),
        503: problem('Provider unreachable'),
      },
      handler: async ({ params, query }, { req, res }) => {
        await runtime.services.login.limitClient(clientMetaOf(req));
        if (!runtime.oauth.offers(params.provider))
          throw new HttpError(404, { detail: 'This sign-in provider is not offered.' });
        const { url, pending } = await runtime.oauth.start(params.provider, query.tenant ?? findCurrentTenantId());
        res.cookie(
          runtime.oauthCookie,
          context.encryption.encrypt(JSON.stringify(pending), 'auth-oauth'),
          oauthCookieOptions,
        );
        res.redirect(302, url.toString());
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/oauth/:provider/callback',
      public: true,
      summary: 'Where the provider sends the person back; redirects to the front end with a single-use code',
      description:
        'The code arrives in the fragment of {AUTH_PUBLIC_URL}/oauth/complete, out of server logs and Referer ' +
        'headers; trade it at POST /auth/oauth/token within 60 s.',
      tags,
      request: {
        params: z.object({ provider: OAuthProviderName }),
        query: z.object({
          code: z.string().max(2048).optional(),
          state: z.string().max(512).optional(),
          error: z.string().max(200).optional(),
        }),
      },
      status: 302,
      responses: {
        302: { description: 'To the front end' },
        400: problem('Not started here, or expired'),
        401: problem('The provider did not confirm'),
        403: problem('Unverified address, or no account'),
      },
      handler: async ({ params }, { req, res }) => {
        const pending = pendingLogin(req, params.provider);
        res.clearCookie(runtime.oauthCookie, { ...oauthCookieOptions, maxAge: undefined });
        const profile = await runtime.oauth.finish(
          pending,
          new URL(req.originalUrl, 'http://callback').search.slice(1),
        );
        const code = await login.socialLogin(pending.provider, profile, pending.tenant, clientMetaOf(req));
        const complete = new URL('/oauth/complete', context.config.env.AUTH_PUBLIC_URL);
        complete.hash = new URLSearchParams({ code }).toString();
        res.redirect(302, complete.toString());
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/oauth/token',
      public: true,
      summary: 'Trade the single-use code of a social login for tokens (or the MFA challenge)',
      tags,
      request: { body: z.object({ code: Token }) },
      responses: {
        200: { description: 'Logged in, or an MFA challenge', schema: LoggedInOrChallenged },
        400: problem('Invalid, used or expired code'),
      },
      handler: async ({ body }, { req, res }) =>
        transport.deliver(await login.exchangeLoginCode(body.code, clientMetaOf(req)), req, res),
    }),
    passwordLogin,
  ];
}
