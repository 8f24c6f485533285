import { HttpError, runWithTenant } from '../../core/index.js';
import { invalidLink, policyError } from '../errors.js';
import { normalizeEmail } from '../lockout.js';
import { passwordProblem } from '../passwords.js';
import { reauthenticate } from '../reauthenticate.js';
import type { FeatureDeps } from '../services.js';
import type { SessionService } from '../sessions/service.js';
import type { AccessClaims } from '../tokens.js';
import type { ClientMeta } from '../views.js';

/**
 * Password and email: changing and resetting the password, proving and changing the sign-in address. A change that
 * could come from someone else ends the account's sessions.
 */
export class CredentialService {
  constructor(
    private readonly deps: FeatureDeps,
    private readonly sessions: SessionService,
  ) {}

  /** A new password (the current one again); every other session of the account ends. */
  async changePassword(
    claims: AccessClaims,
    input: { currentPassword: string; newPassword: string },
    meta: ClientMeta,
  ): Promise<void> {
    await this.deps.limitClient(meta);
    await runWithTenant(claims.tenant, async () => {
      const user = await reauthenticate(this.deps, claims, input.currentPassword);
      this.assertPolicy('newPassword', input.newPassword, user.email);
      await this.deps.store.updateUser(user.id, { passwordHash: await this.deps.passwords.hash(input.newPassword) });
      await this.sessions.endAll(claims.tenant, user.id, claims.sid);
      await this.deps.events.emit({ type: 'password.changed', tenantId: claims.tenant, userId: user.id, ip: meta.ip });
    });
  }

  /** Always answers the same way; mails a reset link only when the account exists. */
  async forgotPassword(input: { email: string; tenantId: string }, meta: ClientMeta): Promise<void> {
    await this.deps.limitClient(meta);
    const email = normalizeEmail(input.email);
    const tenantId = input.tenantId.toLowerCase();
    if (!(await this.deps.store.isActiveTenant(tenantId))) return;
    await runWithTenant(tenantId, async () => {
      const user = await this.deps.store.userByEmail(email);
      if (user === null || user.disabledAt !== null) return;
      const { links } = this.deps;
      const token = await links.issue('reset', { email: user.email, userId: user.id, role: null });
      const text = `Reset your password: ${links.url('/reset-password', token)}`;
      await this.deps.mailer.send({ to: user.email, subject: 'Reset your password', text, token });
    });
  }

  /** Sets a new password from an emailed link. It never logs in, so a second factor is never skipped. */
  async resetPassword(input: { token: string; newPassword: string }, meta: ClientMeta): Promise<void> {
    await this.deps.limitClient(meta);
    const { store } = this.deps;
    const now = Date.now();
    const { row, userId } = await this.deps.links.live(input.token, 'reset', now);
    await runWithTenant(row.tenantId, async () => {
      const user = await store.userById(userId);
      if (user === null) throw invalidLink();
      this.assertPolicy('newPassword', input.newPassword, user.email);
      if (!(await store.useOneTimeToken(row, now))) throw invalidLink();
      // The mailbox was reachable, so the address is proven too.
      const passwordHash = await this.deps.passwords.hash(input.newPassword);
      await store.updateUser(user.id, { passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? now });
      await this.sessions.endAll(row.tenantId, user.id);
      await this.deps.lockout.unlock(`${row.tenantId}:${user.email}`);
      await this.deps.events.emit({ type: 'password.reset', tenantId: row.tenantId, userId: user.id, ip: meta.ip });
    });
  }

  async verifyEmail(token: string, meta: ClientMeta): Promise<void> {
    await this.deps.limitClient(meta);
    const { store } = this.deps;
    const now = Date.now();
    const { row, userId } = await this.deps.links.live(token, 'verify', now);
    await runWithTenant(row.tenantId, async () => {
      const user = await store.userById(userId);
      // A link sent to an address the account no longer has proves nothing.
      if (user === null || user.email !== row.email || !(await store.useOneTimeToken(row, now))) throw invalidLink();
      await store.updateUser(user.id, { emailVerifiedAt: now });
    });
  }

  async resendVerification(claims: AccessClaims): Promise<void> {
    await runWithTenant(claims.tenant, async () => {
      const user = await this.deps.store.userById(claims.sub);
      if (user === null || user.emailVerifiedAt !== null) return;
      await this.deps.links.sendVerification(user);
    });
  }

  /**
   * Changes the sign-in address (password again). Nothing changes until the link sent to the new address is used,
   * and the old address is told at once, so a hijacked session cannot move the account away silently.
   */
  async requestEmailChange(
    claims: AccessClaims,
    input: { password: string; newEmail: string },
    meta: ClientMeta,
  ): Promise<void> {
    await this.deps.limitClient(meta);
    await runWithTenant(claims.tenant, async () => {
      const user = await reauthenticate(this.deps, claims, input.password);
      const email = normalizeEmail(input.newEmail);
      if (email === user.email) throw policyError('newEmail', 'This is already the address of the account.');
      const { links, mailer } = this.deps;
      const token = await links.issue('change', { email, userId: user.id, role: null });
      await mailer.send({
        to: email,
        subject: 'Confirm your new email address',
        text: `Confirm your new sign-in address: ${links.url('/confirm-email-change', token)}`,
        token,
      });
      await mailer.send({
        to: user.email,
        subject: 'Your sign-in address is being changed',
        text:
          `A change of your sign-in address to ${email} was requested. ` +
          'If it was not you, change your password and log out everywhere now.',
      });
    });
  }

  /** Moves the account to the proven new address; every session ends, since each was opened under the old one. */
  async confirmEmailChange(token: string, meta: ClientMeta): Promise<void> {
    await this.deps.limitClient(meta);
    const { store } = this.deps;
    const now = Date.now();
    const { row, userId } = await this.deps.links.live(token, 'change', now);
    await runWithTenant(row.tenantId, async () => {
      const user = await store.userById(userId);
      if (user === null || user.disabledAt !== null) throw invalidLink();
      if ((await store.userByEmail(row.email)) !== null) {
        throw new HttpError(409, { detail: 'Another account of the organisation uses this address.' });
      }
      if (!(await store.useOneTimeToken(row, now))) throw invalidLink();
      await store.updateUser(user.id, { email: row.email, emailVerifiedAt: now });
      await this.sessions.endAll(row.tenantId, user.id);
      await this.deps.events.emit({ type: 'email.changed', tenantId: row.tenantId, userId: user.id, ip: meta.ip });
    });
  }

  /** 422 on `field` when the password policy refuses `password`. */
  private assertPolicy(field: string, password: string, email: string): void {
    const problem = passwordProblem(password, this.deps.config.passwordMinLength, email);
    if (problem !== undefined) throw policyError(field, problem);
  }
}
