import type { Request } from 'express';
import { createTenant, currentTenantId, HttpError, randomToken, runWithTenant, ValidationError, type Limiter, type Logger, type ModuleContext, type Page, type PageRequest } from '../core/index.js';
import type { OAuthProvider } from './entities/identity.entity.js';
import type { OneTimePurpose, OneTimeToken } from './entities/one-time-token.entity.js';
import type { Profile } from './oauth.js';
import type { Session } from './entities/session.entity.js';
import type { Role, User } from './entities/user.entity.js';
import type { AuthEvent } from './events.js';
import { Lockout, limitOrRefuse, normalizeEmail } from './lockout.js';
import type { Mailer } from './mailer.js';
import type { FactorSummary, Mfa, MfaMethod } from './mfa.js';
import type { CodeChannel } from './one-time-codes.js';
import type { FactorKind } from './entities/mfa.entity.js';
import { passwordProblem, type PasswordHasher } from './passwords.js';
import type { RoleGrant } from './rbac.js';
import type { Roles, RoleView } from './roles.js';
import type { RevocationList } from './revocation.js';
import type { AuthStore } from './store.js';
import { CHALLENGE_SECONDS, newLinkToken, newRefreshToken, parseRefreshToken, tenantOfLinkToken, tokenHash, type AccessClaims, type AccessTokens } from './tokens.js';

export interface ClientMeta {
  ip: string;
  userAgent: string;
}

export function clientMetaOf(req: Request): ClientMeta {
  return { ip: req.ip ?? req.socket.remoteAddress ?? 'unknown', userAgent: (req.get('user-agent') ?? '').slice(0, 500) };
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  tenantId: string;
}

export type SessionView = Pick<Session, 'id' | 'device' | 'ip' | 'userAgent'> & { lastSeenAt: string; createdAt: string; current: boolean };

export interface PublicUser {
  id: string;
  tenantId: string;
  email: string;
  role: Role;
  emailVerified: boolean;
  disabled: boolean;
  createdAt: string;
}

/** The one answer for every failed login: unknown account, wrong password, locked, disabled or unknown tenant. */
export const invalidCredentials = () => new HttpError(401, { title: 'Login failed', detail: 'The email or password is wrong.' });
const invalidRefresh = () => new HttpError(401, { title: 'Refresh failed', detail: 'The refresh token is invalid or expired.' });
const invalidLink = () => new HttpError(400, { title: 'Invalid link', detail: 'The link is invalid, expired or already used.' });

function policyError(field: string, message: string): ValidationError {
  return new ValidationError([{ in: 'body', path: field, message }]);
}

/** The role a token acts with, as it was when the token was signed. */
function grantOf(claims: AccessClaims): RoleGrant {
  return { role: claims.role, permissions: claims.perms };
}

export function publicUser(user: User): PublicUser {
  return {
    id: user.id,
    tenantId: user.tenantId,
    email: user.email,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

function deviceOf(userAgent: string): string {
  const browser = /(Edg|Firefox|Chrome|Safari|curl|PostmanRuntime|okhttp)\/?/i.exec(userAgent)?.[1] ?? 'Unknown client';
  const os = /(Windows|Android|iPhone|iPad|Mac OS X|Linux)/i.exec(userAgent)?.[1];
  return (os === undefined ? browser : `${browser} on ${os}`).slice(0, 100);
}

function slug(name: string): string {
  const base = name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `${base === '' ? 't' : base}-${randomToken(4).toLowerCase().replace(/[^a-z0-9]/g, '0')}`;
}

export interface AuthServiceDeps {
  context: ModuleContext;
  store: AuthStore;
  tokens: AccessTokens;
  revocations: RevocationList;
  mailer: Mailer;
  lockout: Lockout;
  passwords: PasswordHasher;
  ipLimiter: Limiter;
  mfa: Mfa;
  roles: Roles;
}

/** The answer of the password step when the account has a second factor: no tokens yet. */
export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
  methods: MfaMethod[];
}

/** What a session gets when it proves a new factor: an access token marked `mfa`, and recovery codes the first time. */
export interface FactorConfirmed {
  recoveryCodes?: string[];
  accessToken: string;
  expiresIn: number;
}

/** The use cases of the auth module, one short method each. Routes validate input and call these. */
export class AuthService {
  private readonly config: ModuleContext['config']['auth'];
  private readonly logger: Logger;

  constructor(private readonly deps: AuthServiceDeps) {
    this.config = deps.context.config.auth;
    this.logger = deps.context.logger;
  }

  /** Per-address limit shared by every auth endpoint that takes credentials or tokens. */
  limitClient(meta: ClientMeta): Promise<void> {
    return limitOrRefuse(this.deps.ipLimiter, meta.ip);
  }

  async register(input: { email: string; password: string; tenantName?: string | undefined; inviteToken?: string | undefined }, meta: ClientMeta): Promise<TokenPair> {
    await this.limitClient(meta);
    const email = normalizeEmail(input.email);
    if (this.config.registration === 'closed') throw new HttpError(403, { detail: 'Registration is closed.' });
    const problem = passwordProblem(input.password, this.config.passwordMinLength, email);
    if (problem !== undefined) throw policyError('password', problem);

    if (input.inviteToken !== undefined) return this.acceptInvitation(email, input.password, input.inviteToken, meta);
    if (this.config.registration !== 'open') throw new HttpError(403, { detail: 'Registration needs an invitation.' });
    if (input.tenantName === undefined) throw policyError('tenantName', 'Name the organisation to create, or send an invitation token.');

    const tenant = await createTenant(this.deps.context.dataSource, { id: slug(input.tenantName), name: input.tenantName });
    const passwordHash = await this.deps.passwords.hash(input.password);
    return runWithTenant(tenant.id, async () => {
      const user = await this.deps.store.createUser({ email, passwordHash, role: 'owner', emailVerifiedAt: null, disabledAt: null });
      await this.emit({ type: 'user.registered', tenantId: tenant.id, userId: user.id, ip: meta.ip });
      await this.sendVerification(user);
      return this.startSession(user, meta, false);
    });
  }

  private async acceptInvitation(email: string, password: string, token: string, meta: ClientMeta): Promise<TokenPair> {
    const invite = await this.linkToken(token, 'invite');
    const now = Date.now();
    if (invite === null || invite.usedAt !== null || invite.expiresAt <= now || invite.email !== email) throw invalidLink();
    if (!(await this.deps.store.isActiveTenant(invite.tenantId))) throw invalidLink();
    const passwordHash = await this.deps.passwords.hash(password);
    return runWithTenant(invite.tenantId, async () => {
      if ((await this.deps.store.userByEmail(email)) !== null) throw new HttpError(409, { detail: 'This email already has an account in the organisation.' });
      const role = invite.role ?? 'member';
      // The tenant may have deleted the role since it invited.
      if ((await this.deps.roles.grantOf(role)) === undefined) throw invalidLink();
      if (!(await this.deps.store.useOneTimeToken(invite, now))) throw invalidLink();
      // The invitation was delivered to this address, which proves it.
      const user = await this.deps.store.createUser({ email, passwordHash, role, emailVerifiedAt: now, disabledAt: null });
      await this.emit({ type: 'user.registered', tenantId: invite.tenantId, userId: user.id, ip: meta.ip, detail: { invited: true, role } });
      return this.startSession(user, meta, false);
    });
  }

  /**
   * The password step (passport's `local` strategy): the account, or one 401 for an unknown account, a wrong
   * password, a locked or a disabled one.
   */
  async checkPassword(input: { email: string; password: string; tenantId: string }, meta: ClientMeta): Promise<User> {
    await this.limitClient(meta);
    const email = normalizeEmail(input.email);
    const tenantId = input.tenantId.toLowerCase();
    const key = `${tenantId}:${email}`;
    const { lockout, store } = this.deps;

    if (await lockout.isLocked(key)) {
      await this.deps.passwords.verifyAgainstDummy(input.password);
      await this.emit({ type: 'login.failed', tenantId, ip: meta.ip, detail: { reason: 'locked' } });
      throw invalidCredentials();
    }
    const user = (await store.isActiveTenant(tenantId)) ? await runWithTenant(tenantId, () => store.userByEmail(email)) : null;
    let verdict = { ok: false, rehash: false };
    if (user === null) await this.deps.passwords.verifyAgainstDummy(input.password);
    else verdict = await this.deps.passwords.verify(user.passwordHash, input.password);

    if (user === null || !verdict.ok || user.disabledAt !== null) {
      const lockedFor = await lockout.fail(key);
      await this.emit({ type: 'login.failed', tenantId, ...(user === null ? {} : { userId: user.id }), ip: meta.ip });
      if (lockedFor !== undefined) await this.emit({ type: 'account.locked', tenantId, ...(user === null ? {} : { userId: user.id }), ip: meta.ip, detail: { seconds: lockedFor } });
      throw invalidCredentials();
    }
    await lockout.succeed(key);
    if (this.config.requireVerifiedEmail && user.emailVerifiedAt === null) {
      throw new HttpError(403, { type: 'urn:problem:email-unverified', detail: 'Verify your email address before logging in.' });
    }
    if (verdict.rehash) await runWithTenant(tenantId, async () => store.users.update(user.id, { passwordHash: await this.deps.passwords.hash(input.password) }));
    return user;
  }

  /** After the password step: a challenge when the account has a second factor, else a session. */
  login(user: User, meta: ClientMeta): Promise<TokenPair | MfaChallenge> {
    return runWithTenant(user.tenantId, () => this.finishLogin(user, meta));
  }

  /** After the first factor: a challenge when the account has a second one, else a session. */
  private async finishLogin(user: User, meta: ClientMeta, detail?: Record<string, unknown>): Promise<TokenPair | MfaChallenge> {
    const methods = await this.deps.mfa.methodsOf(user.id);
    if (methods.length > 0) {
      const mfaToken = await this.deps.tokens.signChallenge({ sub: user.id, tenant: user.tenantId, cid: randomToken(16) });
      return { mfaRequired: true, mfaToken, methods };
    }
    await this.emit({ type: 'login.succeeded', tenantId: user.tenantId, userId: user.id, ip: meta.ip, ...(detail === undefined ? {} : { detail }) });
    return this.startSession(user, meta, false);
  }

  /**
   * Someone a provider vouched for: the account already linked to that identity; else the tenant's account with
   * the same address, linked only when the provider verified it; else, with no tenant named and open
   * registration, a new organisation. Returns a single-use code the front end trades for tokens.
   */
  async socialLogin(provider: OAuthProvider, profile: Profile, tenant: string | undefined, meta: ClientMeta): Promise<string> {
    await this.limitClient(meta);
    const email = normalizeEmail(profile.email);
    if (!profile.emailVerified) throw new HttpError(403, { title: 'Sign-in refused', detail: 'The provider has not verified this email address, so no account can rely on it.' });
    const { store } = this.deps;
    if (tenant === undefined) {
      if (this.config.registration !== 'open') throw new HttpError(403, { detail: 'Name the organisation to sign in to; sign-up needs an invitation.' });
      const created = await createTenant(this.deps.context.dataSource, { id: slug(email.split('@')[1] ?? 'org'), name: email.split('@')[1] ?? email });
      return runWithTenant(created.id, async () => {
        const user = await store.createUser({ email, passwordHash: await this.deps.passwords.hash(randomToken(32)), role: 'owner', emailVerifiedAt: Date.now(), disabledAt: null });
        await store.identities.create({ userId: user.id, provider, subject: profile.subject, email });
        await this.emit({ type: 'user.registered', tenantId: created.id, userId: user.id, ip: meta.ip, detail: { provider } });
        return this.oneTimeToken('oauth', user.email, user.id, null, 60);
      });
    }
    if (!(await store.isActiveTenant(tenant))) throw new HttpError(403, { title: 'Sign-in refused', detail: 'No account in this organisation uses this address; accept an invitation first.' });
    return runWithTenant(tenant, async () => {
      const [linked] = await store.identities.list({ where: { provider, subject: profile.subject }, take: 1 });
      let user = linked === undefined ? null : await store.users.findById(linked.userId);
      if (user === null) {
        user = await store.userByEmail(email);
        if (user === null) throw new HttpError(403, { title: 'Sign-in refused', detail: 'No account in this organisation uses this address; accept an invitation first.' });
        await store.identities.create({ userId: user.id, provider, subject: profile.subject, email });
        if (user.emailVerifiedAt === null) await store.users.update(user.id, { emailVerifiedAt: Date.now() });
        await this.emit({ type: 'identity.linked', tenantId: tenant, userId: user.id, ip: meta.ip, detail: { provider } });
      }
      if (user.disabledAt !== null) throw invalidCredentials();
      return this.oneTimeToken('oauth', user.email, user.id, null, 60);
    });
  }

  /** Trades a social login's code for tokens (or an MFA challenge: a provider never stands in for the second factor). */
  async exchangeLoginCode(code: string, meta: ClientMeta): Promise<TokenPair | MfaChallenge> {
    await this.limitClient(meta);
    const now = Date.now();
    const { row, userId } = await this.liveLink(code, 'oauth', now);
    return runWithTenant(row.tenantId, async () => {
      if (!(await this.deps.store.useOneTimeToken(row, now))) throw invalidLink();
      const user = await this.deps.store.users.findById(userId);
      if (user === null || user.disabledAt !== null) throw invalidCredentials();
      return this.finishLogin(user, meta, { via: 'oauth' });
    });
  }

  private async challengeOf(mfaToken: string): Promise<{ sub: string; tenant: string; cid: string }> {
    const challenge = await this.deps.tokens.verifyChallenge(mfaToken);
    if (challenge === undefined) throw new HttpError(401, { title: 'Verification failed', detail: `The challenge is invalid or older than ${String(CHALLENGE_SECONDS / 60)} minutes; log in again.` });
    return challenge;
  }

  /** Sends an email or SMS code for the challenge of the password step; the code answers that challenge only. */
  async sendMfaCode(input: { mfaToken: string; method: CodeChannel }, meta: ClientMeta): Promise<{ sentTo: string }> {
    await this.limitClient(meta);
    const challenge = await this.challengeOf(input.mfaToken);
    const user = await runWithTenant(challenge.tenant, () => this.deps.store.users.findById(challenge.sub));
    if (user === null || user.disabledAt !== null) throw invalidCredentials();
    return this.deps.mfa.sendLoginCode(challenge.tenant, user.id, challenge.cid, input.method, user.email);
  }

  /** The second step of a login: a TOTP, email, SMS or recovery code for the challenge of the password step. */
  async verifyMfa(input: { mfaToken: string; method: MfaMethod; code: string }, meta: ClientMeta): Promise<TokenPair> {
    await this.limitClient(meta);
    const challenge = await this.challengeOf(input.mfaToken);
    await this.deps.mfa.verify(challenge.tenant, challenge.sub, challenge.cid, input.method, input.code);
    return runWithTenant(challenge.tenant, async () => {
      const user = await this.deps.store.users.findById(challenge.sub);
      if (user === null || user.disabledAt !== null) throw invalidCredentials();
      await this.emit({ type: 'login.succeeded', tenantId: challenge.tenant, userId: user.id, ip: meta.ip, detail: { mfa: input.method } });
      return this.startSession(user, meta, true);
    });
  }

  /** Asks for the password again before a factor changes; failures count toward the lockout. */
  private async reauthenticate(claims: AccessClaims, password: string): Promise<User> {
    const user = await this.deps.store.users.findById(claims.sub);
    if (user === null) throw new HttpError(401, { detail: 'Authentication is required.' });
    const key = `${claims.tenant}:${user.email}`;
    if ((await this.deps.lockout.isLocked(key)) || !(await this.deps.passwords.verify(user.passwordHash, password)).ok) {
      await this.deps.lockout.fail(key);
      throw new HttpError(403, { title: 'Re-authentication failed', detail: 'The current password is wrong.' });
    }
    return user;
  }

  async setupTotp(claims: AccessClaims, password: string): Promise<{ secret: string; otpauthUri: string; qrCode: string }> {
    return runWithTenant(claims.tenant, async () => {
      const user = await this.reauthenticate(claims, password);
      return this.deps.mfa.setupTotp(user.id, user.email);
    });
  }

  /** Confirms TOTP with a first code; this session counts as MFA-verified from now on. */
  async confirmTotp(claims: AccessClaims, code: string, meta: ClientMeta): Promise<FactorConfirmed> {
    return runWithTenant(claims.tenant, async () => this.factorConfirmed(claims, 'totp', await this.deps.mfa.confirmTotp(claims.sub, claims.sid, code), meta));
  }

  /** Starts an email or SMS factor (password again): a code goes to the address or number to prove it. */
  async setupCodeFactor(claims: AccessClaims, input: { password: string; method: CodeChannel; phone?: string | undefined }): Promise<{ sentTo: string }> {
    return runWithTenant(claims.tenant, async () => {
      const user = await this.reauthenticate(claims, input.password);
      if (input.method === 'sms' && input.phone === undefined) throw policyError('phone', 'Give the phone number (E.164, e.g. +15551234567) to send codes to.');
      return this.deps.mfa.setupCodeFactor(user.id, claims.sid, input.method, input.method === 'sms' ? (input.phone ?? '') : user.email);
    });
  }

  async confirmCodeFactor(claims: AccessClaims, method: CodeChannel, code: string, meta: ClientMeta): Promise<FactorConfirmed> {
    return runWithTenant(claims.tenant, async () => this.factorConfirmed(claims, method, await this.deps.mfa.confirmCodeFactor(claims.sub, claims.sid, method, code), meta));
  }

  private async factorConfirmed(claims: AccessClaims, method: FactorKind, recoveryCodes: string[] | undefined, meta: ClientMeta): Promise<FactorConfirmed> {
    await this.deps.store.sessions.update(claims.sid, { mfaAt: Date.now() });
    await this.emit({ type: 'mfa.enrolled', tenantId: claims.tenant, userId: claims.sub, ip: meta.ip, detail: { method } });
    const accessToken = await this.deps.tokens.sign({ sub: claims.sub, tenant: claims.tenant, role: claims.role, sid: claims.sid, mfa: true });
    return { ...(recoveryCodes === undefined ? {} : { recoveryCodes }), accessToken, expiresIn: this.config.accessTokenTtlSeconds };
  }

  async listFactors(claims: AccessClaims): Promise<FactorSummary[]> {
    return runWithTenant(claims.tenant, () => this.deps.mfa.summary(claims.sub));
  }

  async removeFactor(claims: AccessClaims, method: FactorKind, password: string, meta: ClientMeta): Promise<void> {
    await runWithTenant(claims.tenant, async () => {
      const user = await this.reauthenticate(claims, password);
      if (await this.deps.mfa.remove(user.id, method)) await this.emit({ type: 'mfa.removed', tenantId: claims.tenant, userId: user.id, ip: meta.ip, detail: { method } });
    });
  }

  async newRecoveryCodes(claims: AccessClaims, password: string): Promise<{ recoveryCodes: string[] }> {
    return runWithTenant(claims.tenant, async () => {
      const user = await this.reauthenticate(claims, password);
      if (!(await this.deps.mfa.enrolled(user.id))) throw new HttpError(409, { detail: 'Set up a second factor first.' });
      return { recoveryCodes: await this.deps.mfa.newRecoveryCodes(user.id) };
    });
  }

  /** Not under the per-address limit: a refresh token cannot be guessed, and many users may share one address. */
  async refresh(token: string, meta: ClientMeta): Promise<TokenPair> {
    const { store } = this.deps;
    const now = Date.now();
    const parsed = parseRefreshToken(token);
    if (parsed === undefined) throw invalidRefresh();
    const row = await store.refreshTokenByHash(parsed.tenantId, tokenHash(token));
    if (row === null) throw invalidRefresh();
    return runWithTenant(row.tenantId, async () => {
      const session = await store.sessions.findById(row.sessionId);
      if (session === null || session.revokedAt !== null || session.expiresAt <= now) throw invalidRefresh();
      if (row.usedAt !== null || !(await store.useRefreshToken(row, now))) {
        // A used token came back: it was stolen or raced; the whole family dies, the thief's copy included.
        await this.endSession(row.tenantId, session.userId, session.id);
        await this.emit({ type: 'refresh.reused', tenantId: row.tenantId, userId: session.userId, ip: meta.ip, detail: { sessionId: session.id } });
        throw invalidRefresh();
      }
      if (row.idleExpiresAt <= now) throw invalidRefresh();
      const user = await store.users.findById(session.userId);
      if (user === null || user.disabledAt !== null) throw invalidRefresh();
      await store.sessions.update(session.id, { lastSeenAt: now, ip: meta.ip.slice(0, 64), userAgent: meta.userAgent.slice(0, 500) });
      return this.issue(user, session, now);
    });
  }

  /** Ends one session of the user, in the database (no refresh) and in the revocation list (no access token). */
  async endSession(tenantId: string, userId: string, sessionId: string): Promise<boolean> {
    const revoked = await this.deps.store.revokeSession(tenantId, userId, sessionId, Date.now());
    if (revoked) await this.deps.revocations.revokeSessions([sessionId], this.revocationSeconds());
    return revoked;
  }

  /**
   * Ends every session of the user but `keep`: one statement for the sessions, one entry for their access tokens
   * ("signed before now"), however many sessions there are. Returns how many ended.
   */
  async endSessions(tenantId: string, userId: string, keep?: string): Promise<number> {
    const count = await this.deps.store.revokeUserSessions(tenantId, userId, Date.now(), keep);
    // Taken after the update: a token a refresh signed while it ran is older than this, and dies too.
    await this.deps.revocations.revokeUser(tenantId, userId, Date.now(), this.revocationSeconds(), keep);
    return count;
  }

  /** How long a revocation entry must live: as long as the longest access token, with a margin for clock skew. */
  private revocationSeconds(): number {
    return this.config.accessTokenTtlSeconds + 60;
  }

  async logout(claims: AccessClaims): Promise<void> {
    await this.endSession(claims.tenant, claims.sub, claims.sid);
  }

  async logoutAll(claims: AccessClaims, meta: ClientMeta): Promise<void> {
    const count = await this.endSessions(claims.tenant, claims.sub);
    await this.emit({ type: 'sessions.revoked', tenantId: claims.tenant, userId: claims.sub, ip: meta.ip, detail: { count } });
  }

  async me(claims: AccessClaims): Promise<PublicUser> {
    const user = await runWithTenant(claims.tenant, () => this.deps.store.users.findById(claims.sub));
    if (user === null) throw new HttpError(401, { detail: 'Authentication is required.' });
    return publicUser(user);
  }

  async changePassword(claims: AccessClaims, input: { currentPassword: string; newPassword: string }, meta: ClientMeta): Promise<void> {
    await this.limitClient(meta);
    const { store, lockout } = this.deps;
    await runWithTenant(claims.tenant, async () => {
      const user = await store.users.findById(claims.sub);
      if (user === null) throw new HttpError(401, { detail: 'Authentication is required.' });
      const key = `${claims.tenant}:${user.email}`;
      if ((await lockout.isLocked(key)) || !(await this.deps.passwords.verify(user.passwordHash, input.currentPassword)).ok) {
        await lockout.fail(key);
        throw new HttpError(403, { title: 'Re-authentication failed', detail: 'The current password is wrong.' });
      }
      const problem = passwordProblem(input.newPassword, this.config.passwordMinLength, user.email);
      if (problem !== undefined) throw policyError('newPassword', problem);
      await store.users.update(user.id, { passwordHash: await this.deps.passwords.hash(input.newPassword) });
      await this.endSessions(claims.tenant, user.id, claims.sid);
      await this.emit({ type: 'password.changed', tenantId: claims.tenant, userId: user.id, ip: meta.ip });
    });
  }

  /** Always answers the same way; mails a reset link only when the account exists. */
  async forgotPassword(input: { email: string; tenantId: string }, meta: ClientMeta): Promise<void> {
    await this.limitClient(meta);
    const email = normalizeEmail(input.email);
    const tenantId = input.tenantId.toLowerCase();
    if (!(await this.deps.store.isActiveTenant(tenantId))) return;
    await runWithTenant(tenantId, async () => {
      const user = await this.deps.store.userByEmail(email);
      if (user === null || user.disabledAt !== null) return;
      const token = await this.oneTimeToken('reset', user.email, user.id, null);
      await this.deps.mailer.send({ to: user.email, subject: 'Reset your password', text: `Reset your password: ${this.link('/reset-password', token)}`, token });
    });
  }

  /** Sets a new password from an emailed link. It never logs in, so a second factor is never skipped. */
  async resetPassword(input: { token: string; newPassword: string }, meta: ClientMeta): Promise<void> {
    await this.limitClient(meta);
    const { store } = this.deps;
    const now = Date.now();
    const { row, userId } = await this.liveLink(input.token, 'reset', now);
    await runWithTenant(row.tenantId, async () => {
      const user = await store.users.findById(userId);
      if (user === null) throw invalidLink();
      const problem = passwordProblem(input.newPassword, this.config.passwordMinLength, user.email);
      if (problem !== undefined) throw policyError('newPassword', problem);
      if (!(await store.useOneTimeToken(row, now))) throw invalidLink();
      // The mailbox was reachable, so the address is proven too.
      await store.users.update(user.id, { passwordHash: await this.deps.passwords.hash(input.newPassword), emailVerifiedAt: user.emailVerifiedAt ?? now });
      await this.endSessions(row.tenantId, user.id);
      await this.deps.lockout.unlock(`${row.tenantId}:${user.email}`);
      await this.emit({ type: 'password.reset', tenantId: row.tenantId, userId: user.id, ip: meta.ip });
    });
  }

  async verifyEmail(token: string, meta: ClientMeta): Promise<void> {
    await this.limitClient(meta);
    const { store } = this.deps;
    const now = Date.now();
    const { row, userId } = await this.liveLink(token, 'verify', now);
    await runWithTenant(row.tenantId, async () => {
      const user = await store.users.findById(userId);
      // A link sent to an address the account no longer has proves nothing.
      if (user === null || user.email !== row.email || !(await store.useOneTimeToken(row, now))) throw invalidLink();
      await store.users.update(user.id, { emailVerifiedAt: now });
    });
  }

  /**
   * Changes the sign-in address (password again). Nothing changes until the link sent to the new address is used,
   * and the old address is told at once, so a hijacked session cannot move the account away silently.
   */
  async requestEmailChange(claims: AccessClaims, input: { password: string; newEmail: string }, meta: ClientMeta): Promise<void> {
    await this.limitClient(meta);
    await runWithTenant(claims.tenant, async () => {
      const user = await this.reauthenticate(claims, input.password);
      const email = normalizeEmail(input.newEmail);
      if (email === user.email) throw policyError('newEmail', 'This is already the address of the account.');
      const token = await this.oneTimeToken('change', email, user.id, null);
      await this.deps.mailer.send({ to: email, subject: 'Confirm your new email address', text: `Confirm your new sign-in address: ${this.link('/confirm-email-change', token)}`, token });
      await this.deps.mailer.send({ to: user.email, subject: 'Your sign-in address is being changed', text: `A change of your sign-in address to ${email} was requested. If it was not you, change your password and log out everywhere now.` });
    });
  }

  /** Moves the account to the proven new address; every session ends, since each was opened under the old one. */
  async confirmEmailChange(token: string, meta: ClientMeta): Promise<void> {
    await this.limitClient(meta);
    const { store } = this.deps;
    const now = Date.now();
    const { row, userId } = await this.liveLink(token, 'change', now);
    await runWithTenant(row.tenantId, async () => {
      const user = await store.users.findById(userId);
      if (user === null || user.disabledAt !== null) throw invalidLink();
      if ((await store.userByEmail(row.email)) !== null) throw new HttpError(409, { detail: 'Another account of the organisation uses this address.' });
      if (!(await store.useOneTimeToken(row, now))) throw invalidLink();
      await store.users.update(user.id, { email: row.email, emailVerifiedAt: now });
      await this.endSessions(row.tenantId, user.id);
      await this.emit({ type: 'email.changed', tenantId: row.tenantId, userId: user.id, ip: meta.ip });
    });
  }

  async resendVerification(claims: AccessClaims): Promise<void> {
    const user = await runWithTenant(claims.tenant, () => this.deps.store.users.findById(claims.sub));
    if (user === null || user.emailVerifiedAt !== null) return;
    await runWithTenant(claims.tenant, () => this.sendVerification(user));
  }

  async listSessions(claims: AccessClaims, page: PageRequest): Promise<Page<SessionView>> {
    const sessions = await this.deps.store.liveSessionsPage(claims.tenant, claims.sub, Date.now(), page);
    return {
      items: sessions.items.map((session) => ({
        id: session.id,
        device: session.device,
        ip: session.ip,
        userAgent: session.userAgent,
        lastSeenAt: new Date(session.lastSeenAt).toISOString(),
        createdAt: session.createdAt.toISOString(),
        current: session.id === claims.sid,
      })),
      nextCursor: sessions.nextCursor,
    };
  }

  async revokeSession(claims: AccessClaims, sessionId: string): Promise<void> {
    if (!(await this.endSession(claims.tenant, claims.sub, sessionId))) throw new HttpError(404, { detail: 'The resource does not exist.' });
  }

  async invite(claims: AccessClaims, input: { email: string; role: Role }): Promise<{ email: string; role: Role; expiresAt: string }> {
    await this.deps.roles.assertGrantable(grantOf(claims), input.role, claims.tenant);
    const email = normalizeEmail(input.email);
    return runWithTenant(claims.tenant, async () => {
      const token = await this.oneTimeToken('invite', email, null, input.role);
      await this.deps.mailer.send({ to: email, subject: 'You are invited', text: `Join the organisation: ${this.link('/accept-invitation', token)}`, token });
      return { email, role: input.role, expiresAt: new Date(Date.now() + this.config.resetTokenTtlSeconds * 1000).toISOString() };
    });
  }

  async listUsers(claims: AccessClaims, page: PageRequest): Promise<Page<PublicUser>> {
    const users = await this.deps.store.usersPage(claims.tenant, page);
    return { items: users.items.map(publicUser), nextCursor: users.nextCursor };
  }

  /** Changes another account's role or disabled state; never above the actor's own rank, never oneself. */
  async updateUser(claims: AccessClaims, userId: string, input: { role?: Role | undefined; disabled?: boolean | undefined }, meta: ClientMeta): Promise<PublicUser> {
    return runWithTenant(claims.tenant, async () => {
      const { store } = this.deps;
      const target = await store.users.findById(userId);
      if (target === null) throw new HttpError(404, { detail: 'The resource does not exist.' });
      if (target.id === claims.sub) throw new HttpError(403, { detail: 'You cannot change your own role or disable yourself.' });
      const targetGrant = (await this.deps.roles.grantOf(target.role)) ?? { role: target.role, permissions: [] };
      if (!this.deps.roles.mayActOn(grantOf(claims), targetGrant)) throw new HttpError(403, { detail: 'You cannot manage an account ranked above yours.' });
      if (input.role !== undefined) await this.deps.roles.assertGrantable(grantOf(claims), input.role, claims.tenant);
      const changes: { role?: Role; disabledAt?: number | null } = {};
      if (input.role !== undefined && input.role !== target.role) changes.role = input.role;
      if (input.disabled !== undefined) changes.disabledAt = input.disabled ? (target.disabledAt ?? Date.now()) : null;
      const updated = (await store.users.update(target.id, changes)) ?? target;
      // New role or disabled: live tokens carry the old state, so they stop now.
      if (changes.role !== undefined || input.disabled === true) await this.endSessions(claims.tenant, target.id);
      if (changes.role !== undefined) await this.emit({ type: 'user.role_changed', tenantId: claims.tenant, userId: target.id, actorId: claims.sub, ip: meta.ip, detail: { from: target.role, to: changes.role } });
      if (input.disabled === true) await this.emit({ type: 'user.disabled', tenantId: claims.tenant, userId: target.id, actorId: claims.sub, ip: meta.ip });
      return publicUser(updated);
    });
  }

  async unlockUser(claims: AccessClaims, userId: string, meta: ClientMeta): Promise<void> {
    const target = await runWithTenant(claims.tenant, () => this.deps.store.users.findById(userId));
    if (target === null) throw new HttpError(404, { detail: 'The resource does not exist.' });
    await this.deps.lockout.unlock(`${claims.tenant}:${target.email}`);
    await this.emit({ type: 'account.unlocked', tenantId: claims.tenant, userId: target.id, actorId: claims.sub, ip: meta.ip });
  }

  listRoles(claims: AccessClaims, page: PageRequest): Promise<Page<RoleView>> {
    return this.deps.roles.list(claims.tenant, page);
  }

  async createRole(claims: AccessClaims, input: { name: string; description: string; permissions: readonly string[] }, meta: ClientMeta): Promise<RoleView> {
    const role = await this.deps.roles.create(grantOf(claims), claims.tenant, input);
    await this.emit({ type: 'role.created', tenantId: claims.tenant, actorId: claims.sub, ip: meta.ip, detail: { role: role.name, permissions: role.permissions } });
    return role;
  }

  /** Changes a tenant's own role; when its permissions change, its holders' live tokens stop (they carry the old ones). */
  async updateRole(claims: AccessClaims, name: string, input: { description?: string | undefined; permissions?: readonly string[] | undefined }, meta: ClientMeta): Promise<RoleView> {
    const { role, permissionsChanged } = await this.deps.roles.update(grantOf(claims), claims.tenant, name, input);
    // One entry, however many hold the role: their tokens die on the next request, and a refresh signs new ones.
    if (permissionsChanged) await this.deps.revocations.revokeRole(claims.tenant, name, Date.now(), this.revocationSeconds());
    await this.emit({ type: 'role.updated', tenantId: claims.tenant, actorId: claims.sub, ip: meta.ip, detail: { role: name, permissions: role.permissions } });
    return role;
  }

  async removeRole(claims: AccessClaims, name: string, meta: ClientMeta): Promise<void> {
    await this.deps.roles.remove(grantOf(claims), claims.tenant, name, (role) => this.deps.store.users.count({ role }));
    await this.emit({ type: 'role.deleted', tenantId: claims.tenant, actorId: claims.sub, ip: meta.ip, detail: { role: name } });
  }

  private async startSession(user: User, meta: ClientMeta, mfa: boolean): Promise<TokenPair> {
    const now = Date.now();
    const session = await this.deps.store.sessions.create({
      userId: user.id,
      device: deviceOf(meta.userAgent),
      ip: meta.ip.slice(0, 64),
      userAgent: meta.userAgent.slice(0, 500),
      lastSeenAt: now,
      expiresAt: now + this.config.sessionAbsoluteSeconds * 1000,
      revokedAt: null,
      mfaAt: mfa ? now : null,
    });
    return this.issue(user, session, now);
  }

  private async issue(user: User, session: Session, now: number): Promise<TokenPair> {
    const refreshToken = newRefreshToken(user.tenantId, session.id);
    await this.deps.store.refreshTokens.create({
      sessionId: session.id,
      tokenHash: tokenHash(refreshToken),
      idleExpiresAt: Math.min(session.expiresAt, now + this.config.sessionTimeout * 1000),
      usedAt: null,
    });
    // A tenant's own role travels with its permissions, so authorizing a request reads no table.
    const grant = await this.deps.roles.grantOf(user.role);
    const perms = grant?.permissions === undefined ? {} : { perms: [...grant.permissions] };
    const accessToken = await this.deps.tokens.sign({ sub: user.id, tenant: user.tenantId, role: user.role, ...perms, sid: session.id, mfa: session.mfaAt !== null }, now);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.config.accessTokenTtlSeconds, tenantId: user.tenantId };
  }

  private async sendVerification(user: User): Promise<void> {
    const token = await this.oneTimeToken('verify', user.email, user.id, null);
    await this.deps.mailer.send({ to: user.email, subject: 'Verify your email address', text: `Verify your email address: ${this.link('/verify-email', token)}`, token });
  }

  private async oneTimeToken(purpose: OneTimePurpose, email: string, userId: string | null, role: Role | null, ttlSeconds = this.config.resetTokenTtlSeconds): Promise<string> {
    const token = newLinkToken(currentTenantId());
    await this.deps.store.oneTimeTokens.create({ purpose, tokenHash: tokenHash(token), userId, email, role, expiresAt: Date.now() + ttlSeconds * 1000, usedAt: null });
    return token;
  }

  /** A live link of an account (unused, unexpired), or the one answer every other link gets. */
  private async liveLink(token: string, purpose: OneTimePurpose, now: number): Promise<{ row: OneTimeToken; userId: string }> {
    const row = await this.linkToken(token, purpose);
    if (row === null || row.usedAt !== null || row.expiresAt <= now || row.userId === null) throw invalidLink();
    return { row, userId: row.userId };
  }

  /** The stored row of an emailed link's token, looked up in the tenant the token names. */
  private async linkToken(token: string, purpose: OneTimePurpose): Promise<OneTimeToken | null> {
    const tenantId = tenantOfLinkToken(token);
    return tenantId === undefined ? null : this.deps.store.oneTimeTokenByHash(tenantId, tokenHash(token), purpose);
  }

  private link(path: string, token: string): string {
    const url = new URL(path, this.deps.context.config.env.AUTH_PUBLIC_URL);
    url.searchParams.set('token', token);
    return url.toString();
  }

  private async emit(event: Omit<AuthEvent, 'at'>): Promise<void> {
    const full: AuthEvent = { ...event, at: new Date().toISOString() };
    this.logger.info({ authEvent: full }, `auth event ${full.type}`);
    for (const hook of this.deps.context.hooks.all('onAuthEvent')) {
      try {
        await hook(full);
      } catch (error) {
        this.logger.error({ err: error, authEvent: full.type }, 'an onAuthEvent hook failed');
      }
    }
  }
}
