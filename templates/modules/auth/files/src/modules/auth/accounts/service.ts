import { createTenant, HttpError, randomToken, runWithTenant } from '../../core/index.js';
import type { Role } from '../entities/user.entity.js';
import { authenticationRequired, invalidLink, policyError } from '../errors.js';
import { normalizeEmail } from '../lockout.js';
import { passwordProblem } from '../passwords.js';
import { grantOfToken } from '../rbac.js';
import type { FeatureDeps } from '../services.js';
import type { SessionService } from '../sessions/service.js';
import type { AccessClaims } from '../tokens.js';
import { publicUser, type ClientMeta, type PublicUser, type TokenPair } from '../views.js';

/** A tenant id from an organisation's name: readable, and unique through a random suffix. */
export function tenantSlug(name: string): string {
  const base = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${base === '' ? 't' : base}-${randomToken(4)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')}`;
}

export interface Registration {
  email: string;
  password: string;
  tenantName?: string | undefined;
  inviteToken?: string | undefined;
}

export interface Invitation {
  email: string;
  role: Role;
  expiresAt: string;
}

/** Accounts and invitations: registering a new organisation or into one by invitation, and the account itself. */
export class AccountService {
  constructor(
    private readonly deps: FeatureDeps,
    private readonly sessions: SessionService,
  ) {}

  async register(input: Registration, meta: ClientMeta): Promise<TokenPair> {
    const { config } = this.deps;
    await this.deps.limitClient(meta);
    const email = normalizeEmail(input.email);
    if (config.registration === 'closed') throw new HttpError(403, { detail: 'Registration is closed.' });
    const problem = passwordProblem(input.password, config.passwordMinLength, email);
    if (problem !== undefined) throw policyError('password', problem);

    if (input.inviteToken !== undefined) return this.acceptInvitation(email, input.password, input.inviteToken, meta);
    if (config.registration !== 'open') throw new HttpError(403, { detail: 'Registration needs an invitation.' });
    if (input.tenantName === undefined) {
      throw policyError('tenantName', 'Name the organisation to create, or send an invitation token.');
    }

    const { tenantName } = input;
    const tenant = await createTenant(this.deps.context.dataSource, { id: tenantSlug(tenantName), name: tenantName });
    const passwordHash = await this.deps.passwords.hash(input.password);
    return runWithTenant(tenant.id, async () => {
      const owner = { email, passwordHash, role: 'owner', emailVerifiedAt: null, disabledAt: null };
      const user = await this.deps.store.createUser(owner);
      await this.deps.events.emit({ type: 'user.registered', tenantId: tenant.id, userId: user.id, ip: meta.ip });
      await this.deps.links.sendVerification(user);
      return this.sessions.start(user, meta, false);
    });
  }

  /** Invites an address into the caller's tenant with a role no higher than the caller's own. */
  async invite(claims: AccessClaims, input: { email: string; role: Role }): Promise<Invitation> {
    await this.deps.roles.assertGrantable(grantOfToken(claims), input.role, claims.tenant);
    const email = normalizeEmail(input.email);
    return runWithTenant(claims.tenant, async () => {
      const { links } = this.deps;
      const token = await links.issue('invite', { email, userId: null, role: input.role });
      const text = `Join the organisation: ${links.url('/accept-invitation', token)}`;
      await this.deps.mailer.send({ to: email, subject: 'You are invited', text, token });
      const expiresAt = new Date(Date.now() + this.deps.config.resetTokenTtlSeconds * 1000).toISOString();
      return { email, role: input.role, expiresAt };
    });
  }

  async me(claims: AccessClaims): Promise<PublicUser> {
    const user = await runWithTenant(claims.tenant, () => this.deps.store.userById(claims.sub));
    if (user === null) throw authenticationRequired();
    return publicUser(user);
  }

  private async acceptInvitation(email: string, password: string, token: string, meta: ClientMeta): Promise<TokenPair> {
    const { store } = this.deps;
    const invite = await this.deps.links.find(token, 'invite');
    const now = Date.now();
    const usable = invite !== null && invite.usedAt === null && invite.expiresAt > now && invite.email === email;
    if (!usable) throw invalidLink();
    if (!(await store.isActiveTenant(invite.tenantId))) throw invalidLink();
    const passwordHash = await this.deps.passwords.hash(password);
    return runWithTenant(invite.tenantId, async () => {
      if ((await store.userByEmail(email)) !== null) {
        throw new HttpError(409, { detail: 'This email already has an account in the organisation.' });
      }
      const role = invite.role ?? 'member';
      // The tenant may have deleted the role since it invited.
      if ((await this.deps.roles.grantOf(role)) === undefined) throw invalidLink();
      if (!(await store.useOneTimeToken(invite, now))) throw invalidLink();
      // The invitation was delivered to this address, which proves it.
      const user = await store.createUser({ email, passwordHash, role, emailVerifiedAt: now, disabledAt: null });
      const { tenantId } = invite;
      const detail = { invited: true, role };
      await this.deps.events.emit({ type: 'user.registered', tenantId, userId: user.id, ip: meta.ip, detail });
      return this.sessions.start(user, meta, false);
    });
  }
}
