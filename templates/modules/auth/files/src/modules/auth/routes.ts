import type { CookieOptions, Request, Response } from 'express';
import { z } from 'zod';
import { defineRoute, findCurrentTenantId, HttpError, PageQuery, pageRequestOf, pageSchema, TENANT_ID_PATTERN, ValidationError, type RouteDefinition } from '../core/index.js';
import type { User } from './entities/user.entity.js';
import { PENDING_SECONDS, type PendingLogin } from './oauth.js';
import { authenticateWith, loginTenant } from './passport.js';
import { ROLE_NAME_PATTERN } from './rbac.js';
import { claimsOf, type AuthRuntime } from './runtime.js';
import { clientMetaOf, invalidCredentials, type MfaChallenge, type TokenPair } from './service.js';

const Email = z.string().trim().min(3).max(254).pipe(z.email());
/** Generous on purpose: the policy (at most 128) answers with its own message; this only stops huge inputs. */
const Password = z.string().min(1).max(1024);
const Token = z.string().min(16).max(200);
const TenantId = z.string().max(63).regex(TENANT_ID_PATTERN);
const Role = z.string().regex(ROLE_NAME_PATTERN, 'owner, admin, member or a role the organisation defined').describe('owner, admin, member, or one of the organisation’s own roles');
const RoleParams = z.object({ name: z.string().regex(ROLE_NAME_PATTERN) });
const IdParams = z.object({ id: z.uuid() });

const TokenResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string().optional().describe('Absent in cookie mode: the refresh token is in the httpOnly cookie'),
  csrfToken: z.string().optional().describe('Cookie mode: send in X-CSRF-Token with the refresh and logout calls'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  tenantId: z.string(),
});
const UserResponse = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  role: Role,
  emailVerified: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
const SessionResponse = z.object({
  id: z.string(),
  device: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  lastSeenAt: z.string(),
  createdAt: z.string(),
  current: z.boolean(),
});
const MfaChallengeResponse = z.object({
  mfaRequired: z.literal(true),
  mfaToken: z.string().describe('Send to POST /auth/mfa/verify with a code; it opens nothing else'),
  methods: z.array(z.enum(['totp', 'email', 'sms', 'recovery_code'])).describe('How this account can answer; email and SMS codes are sent by POST /auth/mfa/challenge'),
});
const Code = z.string().regex(/^\d{6}$/);
/** E.164: a plus, a country code, at most 15 digits in all. */
const Phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'An E.164 number, e.g. +15551234567');
const RecoveryCodesResponse = z.object({ recoveryCodes: z.array(z.string()) });
const FactorConfirmedResponse = z.object({
  recoveryCodes: z.array(z.string()).optional().describe('Ten single-use codes, shown once, when this is the first factor of the account'),
  accessToken: z.string().describe('This session, now MFA-verified'),
  expiresIn: z.number().int(),
});
const CodeSentResponse = z.object({ sentTo: z.string().describe('The masked address or number the code went to') });
const FactorMethod = z.enum(['totp', 'email', 'sms']);
const OAuthProviderName = z.enum(['google', 'github', 'oidc']);
const InvitationResponse = z.object({ email: z.string(), role: Role, expiresAt: z.string() });
const RoleResponse = z.object({
  name: z.string(),
  description: z.string(),
  builtIn: z.boolean(),
  permissions: z.array(z.string()).describe('Every permission the role holds'),
});
const PermissionList = z.array(z.string().min(3).max(100)).max(200);

const tags = ['auth'];
const problem = (description: string) => ({ description });

export function authRoutes(runtime: AuthRuntime): RouteDefinition[] {
  const { service, context } = runtime;
  const cookieMode = context.config.auth.tokenTransport === 'cookie';
  const production = context.config.env.NODE_ENV === 'production';
  const cookieOptions: CookieOptions = { httpOnly: true, secure: production, sameSite: 'strict', path: '/' };

  /** passport's `local` strategy answers every failure with the service's error; no account means it read no credentials. */
  const passwordStep = async (req: Request): Promise<User> => {
    const user = await authenticateWith<User>(runtime.passport, 'local', req);
    if (user === undefined) throw invalidCredentials();
    return user;
  };

  /** Cookie mode moves the refresh token into the cookie and issues a CSRF token bound to the new session. */
  const deliver = (pair: TokenPair | MfaChallenge, req: Request, res: Response) => {
    if (!cookieMode || !('refreshToken' in pair)) return pair;
    res.cookie(runtime.refreshCookie, pair.refreshToken, { ...cookieOptions, maxAge: context.config.auth.sessionAbsoluteSeconds * 1000 });
    (req.cookies as Record<string, string>)[runtime.refreshCookie] = pair.refreshToken;
    return { accessToken: pair.accessToken, tokenType: pair.tokenType, expiresIn: pair.expiresIn, tenantId: pair.tenantId, csrfToken: context.csrf.issue(req, res) };
  };
  // Lax, not Strict: the provider's redirect back is a cross-site navigation, which must carry this cookie.
  const oauthCookieOptions: CookieOptions = { httpOnly: true, secure: production, sameSite: 'lax', path: '/', maxAge: PENDING_SECONDS * 1000 };
  const pendingLogin = (req: Request, provider: string): PendingLogin => {
    const sealed = (req.cookies as Record<string, unknown>)[runtime.oauthCookie];
    let pending: PendingLogin | undefined;
    try {
      pending = typeof sealed === 'string' ? (JSON.parse(context.encryption.decrypt(sealed, 'auth-oauth')) as PendingLogin) : undefined;
    } catch {
      pending = undefined;
    }
    if (pending?.provider !== provider || pending.expiresAt <= Date.now()) {
      throw new HttpError(400, { title: 'Sign-in expired', detail: 'This sign-in was not started here, or took too long; start again.' });
    }
    return pending;
  };
  const cookieToken = (req: Request): string | undefined => {
    const value = (req.cookies as Record<string, unknown>)[runtime.refreshCookie];
    return typeof value === 'string' ? value : undefined;
  };

  const oauthRoutes: RouteDefinition[] = [
    defineRoute({
      method: 'get',
      path: '/auth/oauth/:provider/start',
      summary: 'Start signing in with a social or single sign-on provider (redirects to it)',
      description: 'Authorization code flow with PKCE and state (and a nonce for OpenID Connect). With `tenant`, signs in to that organisation; without, and with open registration, a new organisation is created.',
      tags,
      request: { params: z.object({ provider: OAuthProviderName }), query: z.object({ tenant: TenantId.optional() }) },
      status: 302,
      responses: { 302: { description: 'To the provider' }, 404: problem('Provider not offered'), 503: problem('Provider unreachable') },
      handler: async ({ params, query }, { req, res }) => {
        await service.limitClient(clientMetaOf(req));
        if (!runtime.oauth.offers(params.provider)) throw new HttpError(404, { detail: 'This sign-in provider is not offered.' });
        const { url, pending } = await runtime.oauth.start(params.provider, query.tenant ?? findCurrentTenantId());
        res.cookie(runtime.oauthCookie, context.encryption.encrypt(JSON.stringify(pending), 'auth-oauth'), oauthCookieOptions);
        res.redirect(302, url.toString());
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/oauth/:provider/callback',
      summary: 'Where the provider sends the person back; redirects to the front end with a single-use code',
      description: 'The code arrives in the fragment of {AUTH_PUBLIC_URL}/oauth/complete, out of server logs and Referer headers; trade it at POST /auth/oauth/token within 60 s.',
      tags,
      request: { params: z.object({ provider: OAuthProviderName }), query: z.object({ code: z.string().max(2048).optional(), state: z.string().max(512).optional(), error: z.string().max(200).optional() }) },
      status: 302,
      responses: { 302: { description: 'To the front end' }, 400: problem('Not started here, or expired'), 401: problem('The provider did not confirm'), 403: problem('Unverified address, or no account') },
      handler: async ({ params }, { req, res }) => {
        const pending = pendingLogin(req, params.provider);
        res.clearCookie(runtime.oauthCookie, { ...oauthCookieOptions, maxAge: undefined });
        const profile = await runtime.oauth.finish(pending, new URL(req.originalUrl, 'http://callback').search.slice(1));
        const code = await service.socialLogin(pending.provider, profile, pending.tenant, clientMetaOf(req));
        const complete = new URL('/oauth/complete', context.config.env.AUTH_PUBLIC_URL);
        complete.hash = new URLSearchParams({ code }).toString();
        res.redirect(302, complete.toString());
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/oauth/token',
      summary: 'Trade the single-use code of a social login for tokens (or the MFA challenge)',
      tags,
      request: { body: z.object({ code: Token }) },
      responses: { 200: { description: 'Logged in, or an MFA challenge', schema: z.union([TokenResponse, MfaChallengeResponse]) }, 400: problem('Invalid, used or expired code') },
      handler: async ({ body }, { req, res }) => deliver(await service.exchangeLoginCode(body.code, clientMetaOf(req)), req, res),
    }),
  ];

  return [
    ...(context.config.auth.oauthProviders.length > 0 ? oauthRoutes : []),
    defineRoute({
      method: 'post',
      path: '/auth/register',
      summary: 'Create an account: a new organisation (registration: open) or one you were invited to',
      tags,
      request: {
        body: z.object({ email: Email, password: Password, tenantName: z.string().trim().min(1).max(200).optional(), inviteToken: Token.optional() }),
      },
      status: 201,
      responses: { 201: { description: 'Registered and logged in', schema: TokenResponse }, 400: problem('Invalid invitation'), 403: problem('Registration closed or by invitation only'), 409: problem('Already a member'), 422: problem('Invalid input or password refused by the policy') },
      handler: async ({ body }, { req, res }) => deliver(await service.register(body, clientMetaOf(req)), req, res),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/login',
      summary: 'Log in with email and password',
      description: 'The same 401 answers an unknown account, a wrong password, a locked or disabled account.',
      tags,
      request: { body: z.object({ email: Email, password: Password, tenant: TenantId.optional() }) },
      responses: {
        200: { description: 'Logged in, or (account with MFA) a challenge for POST /auth/mfa/verify', schema: z.union([TokenResponse, MfaChallengeResponse]) },
        401: problem('Login failed'),
        429: problem('Too many attempts from this address'),
      },
      handler: async (_input, { req, res }) => deliver(await service.login(await passwordStep(req), clientMetaOf(req)), req, res),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      summary: 'Trade a refresh token for a new access and refresh token (rotation)',
      description: 'A refresh token works once. Presenting a used one revokes its whole session.',
      tags,
      request: { body: z.object({ refreshToken: z.string().min(1).max(300).optional() }) },
      responses: { 200: { description: 'New tokens', schema: TokenResponse }, 401: problem('Invalid, used or expired refresh token') },
      handler: async ({ body }, { req, res }) => {
        const token = body.refreshToken ?? cookieToken(req) ?? '';
        return deliver(await service.refresh(token, clientMetaOf(req)), req, res);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: 'End this session: its refresh and access tokens stop working now',
      tags,
      permission: 'auth:basic',
      status: 204,
      responses: { 204: { description: 'Logged out' } },
      handler: async (_input, { req, res }) => {
        await service.logout(claimsOf(req));
        if (cookieMode) res.clearCookie(runtime.refreshCookie, cookieOptions);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout-all',
      summary: 'End every session of the account, on every device',
      tags,
      permission: 'auth:basic',
      status: 204,
      responses: { 204: { description: 'Every session ended' } },
      handler: async (_input, { req, res }) => {
        await service.logoutAll(claimsOf(req), clientMetaOf(req));
        if (cookieMode) res.clearCookie(runtime.refreshCookie, cookieOptions);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/me',
      summary: 'The signed-in account',
      tags,
      permission: 'auth:basic',
      responses: { 200: { description: 'The account', schema: UserResponse } },
      handler: (_input, { req }) => service.me(claimsOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password',
      summary: 'Change the password (asks for the current one); every other session ends',
      tags,
      permission: 'auth:session',
      request: { body: z.object({ currentPassword: Password, newPassword: Password }) },
      status: 204,
      responses: { 204: { description: 'Changed' }, 403: problem('Current password wrong'), 422: problem('New password refused by the policy') },
      handler: ({ body }, { req }) => service.changePassword(claimsOf(req), body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password/forgot',
      summary: 'Email a password-reset link (same answer whether the account exists or not)',
      tags,
      request: { body: z.object({ email: Email, tenant: TenantId.optional() }) },
      status: 202,
      responses: { 202: { description: 'If the account exists, a link is on its way' } },
      handler: ({ body }, { req }) => service.forgotPassword({ email: body.email, tenantId: loginTenant(body.tenant) }, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password/reset',
      summary: 'Set a new password with an emailed link; every session ends, and it does not log in',
      tags,
      request: { body: z.object({ token: Token, newPassword: Password }) },
      status: 204,
      responses: { 204: { description: 'Password set' }, 400: problem('Invalid, used or expired link'), 422: problem('Password refused by the policy') },
      handler: ({ body }, { req }) => service.resetPassword(body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/email/verify',
      summary: 'Confirm the email address with an emailed link',
      tags,
      request: { body: z.object({ token: Token }) },
      status: 204,
      responses: { 204: { description: 'Verified' }, 400: problem('Invalid, used or expired link') },
      handler: ({ body }, { req }) => service.verifyEmail(body.token, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/email/change',
      summary: 'Change the sign-in address (asks for the password): a link goes to the new address, a notice to the old one',
      tags,
      permission: 'auth:session',
      request: { body: z.object({ password: Password, newEmail: Email }) },
      status: 202,
      responses: { 202: { description: 'Link sent to the new address' }, 403: problem('Password wrong'), 422: problem('Same address') },
      handler: ({ body }, { req }) => service.requestEmailChange(claimsOf(req), body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/email/change/confirm',
      summary: 'Move the account to the new address with the emailed link; every session ends',
      tags,
      request: { body: z.object({ token: Token }) },
      status: 204,
      responses: { 204: { description: 'Changed' }, 400: problem('Invalid, used or expired link'), 409: problem('Address taken in the organisation') },
      handler: ({ body }, { req }) => service.confirmEmailChange(body.token, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/email/verification',
      summary: 'Send the verification link again',
      tags,
      permission: 'auth:session',
      status: 202,
      responses: { 202: { description: 'Sent unless already verified' } },
      handler: (_input, { req }) => service.resendVerification(claimsOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/verify',
      summary: 'Second login step: a TOTP, email, SMS or recovery code for the challenge of the password step',
      description: 'Five wrong codes end the challenge; every code works once. `method` defaults to totp; `recoveryCode` alone answers with a recovery code.',
      tags,
      request: {
        body: z.object({ mfaToken: z.string().min(1).max(4096), method: FactorMethod.optional(), code: Code.optional(), recoveryCode: z.string().min(1).max(64).optional() }),
      },
      responses: { 200: { description: 'Logged in', schema: TokenResponse }, 401: problem('Wrong, reused or expired code'), 429: problem('Challenge ended after five wrong codes') },
      handler: async ({ body }, { req, res }) => {
        const answer = body.recoveryCode === undefined ? { method: body.method ?? 'totp', code: body.code } : { method: 'recovery_code' as const, code: body.recoveryCode };
        if (answer.code === undefined) throw new ValidationError([{ in: 'body', path: 'code', message: 'Send a code, or a recoveryCode.' }]);
        return deliver(await service.verifyMfa({ mfaToken: body.mfaToken, method: answer.method, code: answer.code }, clientMetaOf(req)), req, res);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/challenge',
      summary: 'Send an email or SMS code for the challenge of the password step',
      description: 'The code expires within 10 minutes and answers this challenge only; a new send replaces the previous code. Sends are limited per challenge and per account.',
      tags,
      request: { body: z.object({ mfaToken: z.string().min(1).max(4096), method: z.enum(['email', 'sms']) }) },
      status: 202,
      responses: { 202: { description: 'Sent', schema: CodeSentResponse }, 401: problem('Invalid or expired challenge'), 409: problem('No such factor on the account'), 429: problem('Too many codes sent') },
      handler: ({ body }, { req }) => service.sendMfaCode(body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'get',
      path: '/auth/mfa',
      summary: 'The second factors of the account',
      tags,
      permission: 'auth:basic',
      responses: { 200: { description: 'Confirmed factors', schema: z.array(z.object({ method: FactorMethod, destination: z.string().nullable(), confirmedAt: z.string() })) } },
      handler: (_input, { req }) => service.listFactors(claimsOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/totp/setup',
      summary: 'Start TOTP enrolment (asks for the password): secret, otpauth URI and QR code',
      tags,
      permission: 'auth:basic',
      request: { body: z.object({ password: Password }) },
      responses: {
        200: { description: 'Scan the QR code, then confirm with a code', schema: z.object({ secret: z.string(), otpauthUri: z.string(), qrCode: z.string().describe('PNG data URL') }) },
        403: problem('Password wrong'),
        409: problem('Already enrolled'),
      },
      handler: ({ body }, { req }) => service.setupTotp(claimsOf(req), body.password),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/totp/confirm',
      summary: 'Confirm TOTP with a first code; returns an MFA-verified access token (and recovery codes for a first factor)',
      tags,
      permission: 'auth:basic',
      request: { body: z.object({ code: Code }) },
      responses: { 200: { description: 'Enrolled', schema: FactorConfirmedResponse }, 401: problem('Wrong code') },
      handler: ({ body }, { req }) => service.confirmTotp(claimsOf(req), body.code, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/email/setup',
      summary: 'Start email codes as a second factor (asks for the password): a code goes to the account address',
      tags,
      permission: 'auth:basic',
      request: { body: z.object({ password: Password }) },
      status: 202,
      responses: { 202: { description: 'Code sent; confirm it', schema: CodeSentResponse }, 403: problem('Password wrong, or email codes not offered'), 429: problem('Too many codes sent') },
      handler: ({ body }, { req }) => service.setupCodeFactor(claimsOf(req), { password: body.password, method: 'email' }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/email/confirm',
      summary: 'Confirm email codes with the code just sent',
      tags,
      permission: 'auth:basic',
      request: { body: z.object({ code: Code }) },
      responses: { 200: { description: 'Enrolled', schema: FactorConfirmedResponse }, 401: problem('Wrong or expired code') },
      handler: ({ body }, { req }) => service.confirmCodeFactor(claimsOf(req), 'email', body.code, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/sms/setup',
      summary: 'Start SMS codes as a second factor, or change the number (asks for the password): a code goes to the number',
      tags,
      permission: 'auth:basic',
      request: { body: z.object({ password: Password, phone: Phone }) },
      status: 202,
      responses: { 202: { description: 'Code sent; confirm it', schema: CodeSentResponse }, 403: problem('Password wrong, or SMS codes not offered'), 429: problem('Too many codes sent') },
      handler: ({ body }, { req }) => service.setupCodeFactor(claimsOf(req), { password: body.password, method: 'sms', phone: body.phone }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/sms/confirm',
      summary: 'Confirm the number with the code just sent; it replaces an earlier number',
      tags,
      permission: 'auth:basic',
      request: { body: z.object({ code: Code }) },
      responses: { 200: { description: 'Enrolled', schema: FactorConfirmedResponse }, 401: problem('Wrong or expired code') },
      handler: ({ body }, { req }) => service.confirmCodeFactor(claimsOf(req), 'sms', body.code, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'delete',
      path: '/auth/mfa/:method',
      summary: 'Remove a second factor (asks for the password); with none left, the recovery codes go too',
      tags,
      permission: 'auth:session',
      request: { params: z.object({ method: FactorMethod }), body: z.object({ password: Password }) },
      status: 204,
      responses: { 204: { description: 'Removed' }, 403: problem('Password wrong') },
      handler: ({ params, body }, { req }) => service.removeFactor(claimsOf(req), params.method, body.password, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/mfa/recovery-codes',
      summary: 'Replace the recovery codes with ten new ones (asks for the password)',
      tags,
      permission: 'auth:session',
      request: { body: z.object({ password: Password }) },
      responses: { 200: { description: 'New codes; the old ones stop working', schema: RecoveryCodesResponse }, 403: problem('Password wrong') },
      handler: ({ body }, { req }) => service.newRecoveryCodes(claimsOf(req), body.password),
    }),
    defineRoute({
      method: 'get',
      path: '/auth/sessions',
      summary: 'The live sessions of the account (device, address, user agent, last seen)',
      tags,
      permission: 'auth:session',
      request: { query: PageQuery },
      responses: { 200: { description: 'Sessions, most recent first', schema: pageSchema(SessionResponse) }, 400: problem('Bad limit or cursor') },
      handler: ({ query }, { req }) => service.listSessions(claimsOf(req), pageRequestOf(query)),
    }),
    defineRoute({
      method: 'delete',
      path: '/auth/sessions/:id',
      summary: 'End one of the account’s sessions',
      tags,
      permission: 'auth:session',
      request: { params: IdParams },
      status: 204,
      responses: { 204: { description: 'Ended' }, 404: problem('No such live session of yours') },
      handler: ({ params }, { req }) => service.revokeSession(claimsOf(req), params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/auth/users',
      summary: 'The accounts of the tenant',
      tags,
      permission: 'auth:users:read',
      request: { query: PageQuery },
      responses: { 200: { description: 'Accounts, by email address', schema: pageSchema(UserResponse) }, 400: problem('Bad limit or cursor') },
      handler: ({ query }, { req }) => service.listUsers(claimsOf(req), pageRequestOf(query)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/invitations',
      summary: 'Invite someone into the tenant with a role no higher than yours',
      tags,
      permission: 'auth:users:invite',
      request: { body: z.object({ email: Email, role: Role.default('member') }) },
      status: 201,
      responses: { 201: { description: 'Invitation sent', schema: InvitationResponse }, 403: problem('Role above your own') },
      handler: ({ body }, { req }) => service.invite(claimsOf(req), body),
    }),
    defineRoute({
      method: 'patch',
      path: '/auth/users/:id',
      summary: 'Change an account’s role or disable it (its sessions end at once)',
      tags,
      permission: 'auth:users:manage',
      request: { params: IdParams, body: z.object({ role: Role.optional(), disabled: z.boolean().optional() }) },
      responses: { 200: { description: 'The account', schema: UserResponse }, 403: problem('Above your rank, or yourself'), 404: problem('No such account in the tenant') },
      handler: ({ params, body }, { req }) => service.updateUser(claimsOf(req), params.id, body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/users/:id/unlock',
      summary: 'Lift a lockout before it expires',
      tags,
      permission: 'auth:users:manage',
      request: { params: IdParams },
      status: 204,
      responses: { 204: { description: 'Unlocked' }, 404: problem('No such account in the tenant') },
      handler: ({ params }, { req }) => service.unlockUser(claimsOf(req), params.id, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'get',
      path: '/auth/roles',
      summary: 'The tenant’s roles: owner, admin, member and its own, with the permissions each holds',
      tags,
      permission: 'auth:users:read',
      request: { query: PageQuery },
      responses: { 200: { description: 'Roles: the built-in ones, then the tenant’s own by name', schema: pageSchema(RoleResponse) }, 400: problem('Bad limit or cursor') },
      handler: ({ query }, { req }) => service.listRoles(claimsOf(req), pageRequestOf(query)),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/roles',
      summary: 'Define a role from the permissions the app’s modules declare (only ones you hold)',
      tags,
      permission: 'auth:roles:manage',
      request: { body: z.object({ name: Role, description: z.string().trim().max(200).default(''), permissions: PermissionList }) },
      status: 201,
      responses: { 201: { description: 'The role', schema: RoleResponse }, 403: problem('A permission you do not hold'), 409: problem('The name is taken'), 422: problem('A built-in name or an unknown permission') },
      handler: ({ body }, { req }) => service.createRole(claimsOf(req), body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'patch',
      path: '/auth/roles/:name',
      summary: 'Change a role’s description or permissions (its holders’ sessions end when permissions change)',
      tags,
      permission: 'auth:roles:manage',
      request: { params: RoleParams, body: z.object({ description: z.string().trim().max(200).optional(), permissions: PermissionList.optional() }) },
      responses: { 200: { description: 'The role', schema: RoleResponse }, 403: problem('Built-in, or holding more than you'), 404: problem('No such role in the tenant') },
      handler: ({ params, body }, { req }) => service.updateRole(claimsOf(req), params.name, body, clientMetaOf(req)),
    }),
    defineRoute({
      method: 'delete',
      path: '/auth/roles/:name',
      summary: 'Delete one of the tenant’s own roles that nobody holds',
      tags,
      permission: 'auth:roles:manage',
      request: { params: RoleParams },
      status: 204,
      responses: { 204: { description: 'Deleted' }, 403: problem('Built-in, or holding more than you'), 404: problem('No such role in the tenant'), 409: problem('Accounts still hold it') },
      handler: ({ params }, { req }) => service.removeRole(claimsOf(req), params.name, clientMetaOf(req)),
    }),
  ];
}
