import { createTenant, HttpError, randomToken, runWithTenant } from '../../core/index.js';
import { tenantSlug } from '../accounts/service.js';
import type { OAuthProvider } from '../entities/identity.entity.js';
import type { User } from '../entities/user.entity.js';
import { invalidCredentials, invalidLink } from '../errors.js';
import { normalizeEmail } from '../lockout.js';
import type { Profile } from '../oauth.js';
import type { FeatureDeps } from '../services.js';
import type { SessionService } from '../sessions/service.js';
import type { ClientMeta, MfaChallenge, TokenPair } from '../views.js';

const signInRefused = (detail: string) => new HttpError(403, { title: 'Sign-in refused', detail });
const noAccountHere = () =>
  signInRefused('No account in this organisation uses this address; accept an invitation first.');

/** Login and social login: the password step, a provider's word for who someone is, and what follows either. */
export class LoginService {
  constructor(
    private readonly deps: FeatureDeps,
    private readonly sessions: SessionService,
  ) {}

  /** The per-address limit of every auth endpoint, here for the start of a social login. */
  limitClient(meta: ClientMeta): Promise<void> {
    return this.deps.limitClient(meta);
  }

  /**
   * The password step (passport's `local` strategy): the account, or one 401 for an unknown account, a wrong
   * password, a locked or a disabled one.
   */
  async checkPassword(input: { email: string; password: string; tenantId: string }, meta: ClientMeta): Promise<User> {
    await this.deps.limitClient(meta);
    const { lockout, store, passwords, events } = this.deps;
    const email = normalizeEmail(input.email);
    const tenantId = input.tenantId.toLowerCase();
    const key = `${tenantId}:${email}`;

    if (await lockout.isLocked(key)) {
      await passwords.verifyAgainstDummy(input.password);
      await events.emit({ type: 'login.failed', tenantId, ip: meta.ip, detail: { reason: 'locked' } });
      throw invalidCredentials();
    }
    const active = await store.isActiveTenant(tenantId);
    const user = active ? await runWithTenant(tenantId, () => store.userByEmail(email)) : null;
    let verdict = { ok: false, rehash: false };
    if (user === null) await passwords.verifyAgainstDummy(input.password);
    else verdict = await passwords.verify(user.passwordHash, input.password);

    if (user === null || !verdict.ok || user.disabledAt !== null) {
      const lockedFor = await lockout.fail(key);
      const who = user === null ? {} : { userId: user.id };
      await events.emit({ type: 'login.failed', tenantId, ...who, ip: meta.ip });
      if (lockedFor !== undefined) {
        await events.emit({ type: 'account.locked', tenantId, ...who, ip: meta.ip, detail: { seconds: lockedFor } });
      }
      throw invalidCredentials();
    }
    await lockout.succeed(key);
    if (this.deps.config.requireVerifiedEmail && user.emailVerifiedAt === null) {
      const detail = 'Verify your email address before logging in.';
      throw new HttpError(403, { type: 'urn:problem:email-unverified', detail });
    }
    if (verdict.rehash) {
      const passwordHash = await passwords.hash(input.password);
      await runWithTenant(tenantId, () => store.updateUser(user.id, { passwordHash }));
    }
    return user;
  }

  /** After the password step: a challenge when the account has a second factor, else a session. */
  login(user: User, meta: ClientMeta): Promise<TokenPair | MfaChallenge> {
    return runWithTenant(user.tenantId, () => this.afterFirstFactor(user, meta));
  }

  /**
   * Someone a provider vouched for: the account already linked to that identity; else the tenant's account with
   * the same address, linked only when the provider verified it; else, with no tenant named and open
   * registration, a new organisation. Returns a single-use code the front end trades for tokens.
   */
  async socialLogin(
    provider: OAuthProvider,
    profile: Profile,
    tenant: string | undefined,
    meta: ClientMeta,
  ): Promise<string> {
    await this.deps.limitClient(meta);
    const { store, events } = this.deps;
    const email = normalizeEmail(profile.email);
    if (!profile.emailVerified) {
      throw signInRefused('The provider has not verified this email address, so no account can rely on it.');
    }
    if (tenant === undefined) return this.socialSignUp(provider, profile, email, meta);
    if (!(await store.isActiveTenant(tenant))) throw noAccountHere();
    return runWithTenant(tenant, async () => {
      const linked = await store.identityOf(provider, profile.subject);
      let user = linked === null ? null : await store.userById(linked.userId);
      if (user === null) {
        user = await store.userByEmail(email);
        if (user === null) throw noAccountHere();
        await store.linkIdentity({ userId: user.id, provider, subject: profile.subject, email });
        if (user.emailVerifiedAt === null) await store.updateUser(user.id, { emailVerifiedAt: Date.now() });
        const detail = { provider };
        await events.emit({ type: 'identity.linked', tenantId: tenant, userId: user.id, ip: meta.ip, detail });
      }
      if (user.disabledAt !== null) throw invalidCredentials();
      return this.loginCode(user);
    });
  }

  /** Trades a social login's code for tokens, or an MFA challenge: a provider never stands in for a second factor. */
  async exchangeLoginCode(code: string, meta: ClientMeta): Promise<TokenPair | MfaChallenge> {
    await this.deps.limitClient(meta);
    const now = Date.now();
    const { row, userId } = await this.deps.links.live(code, 'oauth', now);
    return runWithTenant(row.tenantId, async () => {
      if (!(await this.deps.store.useOneTimeToken(row, now))) throw invalidLink();
      const user = await this.deps.store.userById(userId);
      if (user === null || user.disabledAt !== null) throw invalidCredentials();
      return this.afterFirstFactor(user, meta, { via: 'oauth' });
    });
  }

  /** With no organisation named and open registration, a provider's verified address founds a new one. */
  private async socialSignUp(
    provider: OAuthProvider,
    profile: Profile,
    email: string,
    meta: ClientMeta,
  ): Promise<string> {
    if (this.deps.config.registration !== 'open') {
      throw new HttpError(403, { detail: 'Name the organisation to sign in to; sign-up needs an invitation.' });
    }
    const { store } = this.deps;
    const domain = email.split('@')[1];
    const organisation = { id: tenantSlug(domain ?? 'org'), name: domain ?? email };
    const created = await createTenant(this.deps.context.dataSource, organisation);
    return runWithTenant(created.id, async () => {
      const passwordHash = await this.deps.passwords.hash(randomToken(32));
      const owner = { email, passwordHash, role: 'owner', emailVerifiedAt: Date.now(), disabledAt: null };
      const user = await store.createUser(owner);
      await store.linkIdentity({ userId: user.id, provider, subject: profile.subject, email });
      const registered = { type: 'user.registered', tenantId: created.id, userId: user.id, ip: meta.ip } as const;
      await this.deps.events.emit({ ...registered, detail: { provider } });
      return this.loginCode(user);
    });
  }

  /** The single-use code of a social login, valid for a minute. */
  private loginCode(user: User): Promise<string> {
    return this.deps.links.issue('oauth', { email: user.email, userId: user.id, role: null }, 60);
  }

  /** After the first factor: a challenge when the account has a second one, else a session. */
  private async afterFirstFactor(
    user: User,
    meta: ClientMeta,
    detail?: Record<string, unknown>,
  ): Promise<TokenPair | MfaChallenge> {
    const methods = await this.deps.mfa.methodsOf(user.id);
    if (methods.length > 0) {
      const challenge = { sub: user.id, tenant: user.tenantId, cid: randomToken(16) };
      const mfaToken = await this.deps.tokens.signChallenge(challenge);
      return { mfaRequired: true, mfaToken, methods };
    }
    const event = { type: 'login.succeeded', tenantId: user.tenantId, userId: user.id, ip: meta.ip } as const;
    await this.deps.events.emit({ ...event, ...(detail === undefined ? {} : { detail }) });
    return this.sessions.start(user, meta, false);
  }
}
