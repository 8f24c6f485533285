import { currentTenantId, type Mailer } from '../core/index.js';
import type { OneTimePurpose, OneTimeToken } from './entities/one-time-token.entity.js';
import type { Role, User } from './entities/user.entity.js';
import { invalidLink } from './errors.js';
import type { AuthStore } from './store.js';
import { newLinkToken, tenantOfLinkToken, tokenHash } from './tokens.js';

/**
 * Emailed links (verification, reset, invitation, email change) and social logins' single-use codes: a token
 * `<tenant>.<secret>` stored hashed, valid once and for a while.
 */
export class EmailedLinks {
  constructor(private readonly deps: { store: AuthStore; mailer: Mailer; publicUrl: string; ttlSeconds: number }) {}

  /** A new token of the current tenant. */
  async issue(
    purpose: OneTimePurpose,
    to: { email: string; userId: string | null; role: Role | null },
    ttlSeconds = this.deps.ttlSeconds,
  ): Promise<string> {
    const token = newLinkToken(currentTenantId());
    await this.deps.store.createOneTimeToken({
      purpose,
      tokenHash: tokenHash(token),
      userId: to.userId,
      email: to.email,
      role: to.role,
      expiresAt: Date.now() + ttlSeconds * 1000,
      usedAt: null,
    });
    return token;
  }

  /** The stored row of a token, looked up in the tenant the token names. */
  async find(token: string, purpose: OneTimePurpose): Promise<OneTimeToken | null> {
    const tenantId = tenantOfLinkToken(token);
    return tenantId === undefined ? null : this.deps.store.oneTimeTokenByHash(tenantId, tokenHash(token), purpose);
  }

  /** A live link of an account (unused, unexpired), or the one answer every other link gets. */
  async live(token: string, purpose: OneTimePurpose, now: number): Promise<{ row: OneTimeToken; userId: string }> {
    const row = await this.find(token, purpose);
    if (row === null || row.usedAt !== null || row.expiresAt <= now || row.userId === null) throw invalidLink();
    return { row, userId: row.userId };
  }

  /** The front end's page for `path`, carrying the token. */
  url(path: string, token: string): string {
    const url = new URL(path, this.deps.publicUrl);
    url.searchParams.set('token', token);
    return url.toString();
  }

  /** Mails a link that proves the account's address (in the current tenant). */
  async sendVerification(user: User): Promise<void> {
    const token = await this.issue('verify', { email: user.email, userId: user.id, role: null });
    const text = `Verify your email address: ${this.url('/verify-email', token)}`;
    await this.deps.mailer.send({ to: user.email, subject: 'Verify your email address', text, token });
  }
}
