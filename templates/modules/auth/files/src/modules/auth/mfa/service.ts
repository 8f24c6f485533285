import { HttpError, runWithTenant } from '../../core/index.js';
import type { FactorKind } from '../entities/mfa.entity.js';
import { invalidCredentials, policyError } from '../errors.js';
import type { FactorSummary, MfaMethod } from '../mfa.js';
import type { CodeChannel } from '../one-time-codes.js';
import { reauthenticate } from '../reauthenticate.js';
import type { FeatureDeps } from '../services.js';
import type { SessionService } from '../sessions/service.js';
import { CHALLENGE_SECONDS, type AccessClaims } from '../tokens.js';
import type { ClientMeta, FactorConfirmed, TokenPair } from '../views.js';

export interface TotpSetup {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

/** What the password step's challenge token names: the account, its tenant, and the challenge. */
interface Challenge {
  sub: string;
  tenant: string;
  cid: string;
}

/**
 * MFA: the second step of a login (TOTP, email, SMS or recovery codes), and enrolling and removing factors. Every
 * change of a factor asks for the password again.
 */
export class MfaService {
  constructor(
    private readonly deps: FeatureDeps,
    private readonly sessions: SessionService,
  ) {}

  /** Sends an email or SMS code for the challenge of the password step; the code answers that challenge only. */
  async sendLoginCode(input: { mfaToken: string; method: CodeChannel }, meta: ClientMeta): Promise<{ sentTo: string }> {
    await this.deps.limitClient(meta);
    const challenge = await this.challengeOf(input.mfaToken);
    const user = await runWithTenant(challenge.tenant, () => this.deps.store.userById(challenge.sub));
    if (user === null || user.disabledAt !== null) throw invalidCredentials();
    return this.deps.mfa.sendLoginCode(challenge.tenant, user.id, challenge.cid, input.method, user.email);
  }

  /** The second step of a login: a TOTP, email, SMS or recovery code for the challenge of the password step. */
  async verify(input: { mfaToken: string; method: MfaMethod; code: string }, meta: ClientMeta): Promise<TokenPair> {
    await this.deps.limitClient(meta);
    const challenge = await this.challengeOf(input.mfaToken);
    await this.deps.mfa.verify(challenge.tenant, challenge.sub, challenge.cid, input.method, input.code);
    return runWithTenant(challenge.tenant, async () => {
      const user = await this.deps.store.userById(challenge.sub);
      if (user === null || user.disabledAt !== null) throw invalidCredentials();
      const event = { type: 'login.succeeded', tenantId: challenge.tenant, userId: user.id, ip: meta.ip } as const;
      await this.deps.events.emit({ ...event, detail: { mfa: input.method } });
      return this.sessions.start(user, meta, true);
    });
  }

  async factors(claims: AccessClaims): Promise<FactorSummary[]> {
    return runWithTenant(claims.tenant, () => this.deps.mfa.summary(claims.sub));
  }

  async setupTotp(claims: AccessClaims, password: string): Promise<TotpSetup> {
    return runWithTenant(claims.tenant, async () => {
      const user = await reauthenticate(this.deps, claims, password);
      return this.deps.mfa.setupTotp(user.id, user.email);
    });
  }

  /** Confirms TOTP with a first code; this session counts as MFA-verified from now on. */
  async confirmTotp(claims: AccessClaims, code: string, meta: ClientMeta): Promise<FactorConfirmed> {
    return runWithTenant(claims.tenant, async () => {
      const recoveryCodes = await this.deps.mfa.confirmTotp(claims.sub, claims.sid, code);
      return this.confirmed(claims, 'totp', recoveryCodes, meta);
    });
  }

  /** Starts an email or SMS factor (password again): a code goes to the address or number to prove it. */
  async setupCodeFactor(
    claims: AccessClaims,
    input: { password: string; method: CodeChannel; phone?: string | undefined },
  ): Promise<{ sentTo: string }> {
    return runWithTenant(claims.tenant, async () => {
      const user = await reauthenticate(this.deps, claims, input.password);
      if (input.method === 'sms' && input.phone === undefined) {
        throw policyError('phone', 'Give the phone number (E.164, e.g. +15551234567) to send codes to.');
      }
      const destination = input.method === 'sms' ? (input.phone ?? '') : user.email;
      return this.deps.mfa.setupCodeFactor(user.id, claims.sid, input.method, destination);
    });
  }

  async confirmCodeFactor(
    claims: AccessClaims,
    method: CodeChannel,
    code: string,
    meta: ClientMeta,
  ): Promise<FactorConfirmed> {
    return runWithTenant(claims.tenant, async () => {
      const recoveryCodes = await this.deps.mfa.confirmCodeFactor(claims.sub, claims.sid, method, code);
      return this.confirmed(claims, method, recoveryCodes, meta);
    });
  }

  async remove(claims: AccessClaims, method: FactorKind, password: string, meta: ClientMeta): Promise<void> {
    await runWithTenant(claims.tenant, async () => {
      const user = await reauthenticate(this.deps, claims, password);
      if (!(await this.deps.mfa.remove(user.id, method))) return;
      const event = { type: 'mfa.removed', tenantId: claims.tenant, userId: user.id, ip: meta.ip } as const;
      await this.deps.events.emit({ ...event, detail: { method } });
    });
  }

  /** Step-up: a current TOTP code proves the second factor again; the new access token's `mfa_at` is now. */
  async stepUp(
    claims: AccessClaims,
    code: string,
    meta: ClientMeta,
  ): Promise<{ accessToken: string; expiresIn: number }> {
    return runWithTenant(claims.tenant, async () => {
      await this.deps.mfa.stepUp(claims.sub, claims.sid, code);
      const event = { type: 'mfa.stepped_up', tenantId: claims.tenant, userId: claims.sub, ip: meta.ip } as const;
      await this.deps.events.emit({ ...event, detail: { method: 'totp' } });
      return this.sessions.markMfa(claims);
    });
  }

  async newRecoveryCodes(claims: AccessClaims, password: string): Promise<{ recoveryCodes: string[] }> {
    return runWithTenant(claims.tenant, async () => {
      const user = await reauthenticate(this.deps, claims, password);
      if (!(await this.deps.mfa.enrolled(user.id))) {
        throw new HttpError(409, { detail: 'Set up a second factor first.' });
      }
      return { recoveryCodes: await this.deps.mfa.newRecoveryCodes(user.id) };
    });
  }

  private async challengeOf(mfaToken: string): Promise<Challenge> {
    const challenge = await this.deps.tokens.verifyChallenge(mfaToken);
    if (challenge === undefined) {
      const detail = `The challenge is invalid or older than ${String(CHALLENGE_SECONDS / 60)} minutes; log in again.`;
      throw new HttpError(401, { title: 'Verification failed', detail });
    }
    return challenge;
  }

  private async confirmed(
    claims: AccessClaims,
    method: FactorKind,
    recoveryCodes: string[] | undefined,
    meta: ClientMeta,
  ): Promise<FactorConfirmed> {
    const verified = await this.sessions.markMfa(claims);
    const event = { type: 'mfa.enrolled', tenantId: claims.tenant, userId: claims.sub, ip: meta.ip } as const;
    await this.deps.events.emit({ ...event, detail: { method } });
    return { ...(recoveryCodes === undefined ? {} : { recoveryCodes }), ...verified };
  }
}
