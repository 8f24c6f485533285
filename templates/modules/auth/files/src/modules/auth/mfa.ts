import QRCode from 'qrcode';
import {
  HttpError,
  hmac,
  randomToken,
  runWithTenant,
  TenantRepository,
  type FieldEncryption,
  type Limiter,
  type Mailer,
} from '../core/index.js';
import { IsNull, Not, type DataSource } from 'typeorm';
import { MfaFactor, RecoveryCode, type FactorKind } from './entities/mfa.entity.js';
import { limitOrRefuse, storeCall } from './lockout.js';
import { OneTimeCodes, type CodeChannel } from './one-time-codes.js';
import { maskEmail, maskPhone, type SmsSender } from './sms.js';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.js';

const RECOVERY_CODES = 10;
const KIND_ORDER: readonly FactorKind[] = ['totp', 'email', 'sms'];

export type MfaMethod = FactorKind | 'recovery_code';

export interface MfaDeps {
  dataSource: DataSource;
  rowLevelSecurity: boolean;
  encryption: FieldEncryption;
  /** Key of the recovery-code and one-time-code HMACs. */
  codeKey: Buffer;
  /** Five attempts per challenge (and per enrolment). */
  attempts: Limiter;
  /** Sends of email/SMS codes per challenge or enrolment. */
  sendsPerBinding: Limiter;
  /** Sends per account, whatever the challenge: a stolen password must not make the app an SMS cannon. */
  sendsPerUser: Limiter;
  codeTtlSeconds: number;
  /** The factors this app lets users enrol (`mfa_methods`). */
  methods: readonly FactorKind[];
  mailer: Mailer;
  sms: SmsSender;
  issuer: string;
}

export interface FactorSummary {
  method: FactorKind;
  /** Masked address or number for email and SMS. */
  destination: string | null;
  confirmedAt: string;
}

const wrongCode = () =>
  new HttpError(401, { title: 'Verification failed', detail: 'The code is wrong, expired or already used.' });
const notOffered = (kind: FactorKind) =>
  new HttpError(403, { detail: `This app does not offer ${kind} as a second factor.` });

/**
 * Second factors: TOTP, email and SMS codes, and single-use recovery codes. Enrolment, verification with replay
 * protection, and codes bound to the challenge (or enrolment) they were sent for.
 */
export class Mfa {
  private readonly factors: TenantRepository<MfaFactor>;
  private readonly recovery: TenantRepository<RecoveryCode>;
  private readonly codes: OneTimeCodes;

  constructor(private readonly deps: MfaDeps) {
    this.factors = new TenantRepository(deps.dataSource, MfaFactor, { rowLevelSecurity: deps.rowLevelSecurity });
    this.recovery = new TenantRepository(deps.dataSource, RecoveryCode, { rowLevelSecurity: deps.rowLevelSecurity });
    this.codes = new OneTimeCodes(deps.dataSource, deps.rowLevelSecurity, deps.codeKey, deps.codeTtlSeconds);
  }

  /** Whether the user (in the current tenant) has a confirmed factor. */
  async enrolled(userId: string): Promise<boolean> {
    return (await this.confirmedFactors(userId)).length > 0;
  }

  /** The ways the user can answer a login challenge, in a stable order. */
  async methodsOf(userId: string): Promise<MfaMethod[]> {
    const kinds = new Set((await this.confirmedFactors(userId)).map((factor) => factor.kind));
    const methods: MfaMethod[] = KIND_ORDER.filter((kind) => kinds.has(kind));
    if (methods.length > 0 && (await this.recovery.count({ userId, usedAt: IsNull() })) > 0)
      methods.push('recovery_code');
    return methods;
  }

  async summary(userId: string): Promise<FactorSummary[]> {
    const factors = await this.confirmedFactors(userId);
    return factors
      .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind))
      .map((factor) => ({
        method: factor.kind,
        destination: factor.kind === 'sms' ? maskPhone(this.secretOf(factor)) : null,
        confirmedAt: new Date(factor.confirmedAt ?? 0).toISOString(),
      }));
  }

  /** Starts TOTP enrolment, replacing an unconfirmed one; a confirmed TOTP factor must be removed first. */
  async setupTotp(userId: string, email: string): Promise<{ secret: string; otpauthUri: string; qrCode: string }> {
    this.assertOffered('totp');
    if ((await this.confirmedFactors(userId)).some((factor) => factor.kind === 'totp'))
      throw new HttpError(409, { detail: 'TOTP is already set up; remove it first.' });
    await this.dropPending(userId, 'totp');
    const secret = newTotpSecret();
    await this.factors.create({
      userId,
      kind: 'totp',
      secret: this.deps.encryption.encrypt(secret, `totp:${userId}`),
      confirmedAt: null,
      lastUsedStep: null,
    });
    const uri = otpauthUri(secret, email, this.deps.issuer);
    return { secret, otpauthUri: uri, qrCode: await QRCode.toDataURL(uri) };
  }

  /** Confirms TOTP with a first code; returns fresh recovery codes when this is the account's first factor. */
  async confirmTotp(userId: string, sessionId: string, code: string): Promise<string[] | undefined> {
    await limitOrRefuse(this.deps.attempts, `enrol:totp:${sessionId}`);
    const pending = await this.pendingFactor(userId, 'totp');
    if (pending === undefined) throw new HttpError(409, { detail: 'Start the TOTP setup first.' });
    const step = matchTotp(this.secretOf(pending), code, Date.now(), pending.lastUsedStep);
    if (step === undefined) throw wrongCode();
    await this.factors.update(pending.id, { confirmedAt: Date.now(), lastUsedStep: step });
    return this.recoveryCodesForNewFactor(userId);
  }

  /**
   * Starts enrolling an email or SMS factor: the code goes to the destination being proven, bound to this
   * session's enrolment. A phone number is stored encrypted; email codes go to the account's (current) address.
   */
  async setupCodeFactor(
    userId: string,
    sessionId: string,
    kind: CodeChannel,
    destination: string,
  ): Promise<{ sentTo: string }> {
    this.assertOffered(kind);
    await this.dropPending(userId, kind);
    const secret = kind === 'sms' ? this.deps.encryption.encrypt(destination, `sms:${userId}`) : '';
    await this.factors.create({ userId, kind, secret, confirmedAt: null, lastUsedStep: null });
    await this.sendCode(userId, `enrol:${kind}:${sessionId}`, kind, destination);
    return { sentTo: kind === 'sms' ? maskPhone(destination) : maskEmail(destination) };
  }

  /** Confirms an email or SMS factor; a newly proven phone number replaces the old one. */
  async confirmCodeFactor(
    userId: string,
    sessionId: string,
    kind: CodeChannel,
    code: string,
  ): Promise<string[] | undefined> {
    const binding = `enrol:${kind}:${sessionId}`;
    await limitOrRefuse(this.deps.attempts, binding);
    const pending = await this.pendingFactor(userId, kind);
    if (pending === undefined) throw new HttpError(409, { detail: `Start the ${kind} setup first.` });
    if (!(await this.codes.use(binding, userId, code))) throw wrongCode();
    for (const old of await this.confirmedFactors(userId)) if (old.kind === kind) await this.factors.delete(old.id);
    await this.factors.update(pending.id, { confirmedAt: Date.now() });
    return this.recoveryCodesForNewFactor(userId);
  }

  /** Sends a login code for the challenge `challengeId` through the user's confirmed email or SMS factor. */
  async sendLoginCode(
    tenantId: string,
    userId: string,
    challengeId: string,
    kind: CodeChannel,
    email: string,
  ): Promise<{ sentTo: string }> {
    return runWithTenant(tenantId, async () => {
      const factor = (await this.confirmedFactors(userId)).find((candidate) => candidate.kind === kind);
      if (factor === undefined) throw new HttpError(409, { detail: `No ${kind} factor is set up for this account.` });
      const destination = kind === 'sms' ? this.secretOf(factor) : email;
      await this.sendCode(userId, `login:${challengeId}`, kind, destination);
      return { sentTo: kind === 'sms' ? maskPhone(destination) : maskEmail(destination) };
    });
  }

  /** Removes one factor; with none left, the recovery codes go too. */
  async remove(userId: string, kind: FactorKind): Promise<boolean> {
    const confirmed = (await this.factors.count({ userId, kind, confirmedAt: Not(IsNull()) })) > 0;
    await this.factors.deleteWhere({ userId, kind });
    if (!(await this.enrolled(userId))) await this.recovery.deleteWhere({ userId });
    return confirmed;
  }

  async newRecoveryCodes(userId: string): Promise<string[]> {
    await this.recovery.deleteWhere({ userId });
    const fresh = Array.from({ length: RECOVERY_CODES }, () => randomToken(10).replace(/[-_]/g, 'x').slice(0, 12));
    for (const code of fresh) await this.recovery.create({ userId, codeHash: this.hashOf(code), usedAt: null });
    return fresh;
  }

  /**
   * Checks an answer to the challenge `challengeId`: at most five attempts per challenge; a TOTP step, an emailed
   * or texted code and a recovery code are each accepted once. Throws 401 otherwise.
   */
  async verify(tenantId: string, userId: string, challengeId: string, method: MfaMethod, code: string): Promise<void> {
    await limitOrRefuse(this.deps.attempts, challengeId);
    const ok = await runWithTenant(tenantId, async () => {
      switch (method) {
        case 'totp':
          return this.useTotp(userId, code);
        case 'email':
        case 'sms':
          return (
            (await this.confirmedFactors(userId)).some((factor) => factor.kind === method) &&
            (await this.codes.use(`login:${challengeId}`, userId, code))
          );
        case 'recovery_code':
          return this.useRecoveryCode(userId, code);
      }
    });
    if (!ok) throw wrongCode();
    // A challenge answers once: further attempts on it are refused.
    await storeCall(this.deps.attempts.backend.block(challengeId, 600));
  }

  /**
   * Step-up: the account's TOTP again, for a sensitive act. Five wrong codes per session and window, then 429; a
   * code (or an earlier one) is accepted once, also when it already served the login. Throws 401 otherwise.
   */
  async stepUp(userId: string, sessionId: string, code: string): Promise<void> {
    const key = `step-up:${sessionId}`;
    await limitOrRefuse(this.deps.attempts, key);
    if (!(await this.useTotp(userId, code))) throw wrongCode();
    await storeCall(this.deps.attempts.backend.delete(key));
  }

  private async sendCode(userId: string, binding: string, kind: CodeChannel, destination: string): Promise<void> {
    await limitOrRefuse(this.deps.sendsPerBinding, binding);
    await limitOrRefuse(this.deps.sendsPerUser, userId);
    const code = await this.codes.issue(binding, userId, kind);
    const minutes = String(Math.ceil(this.deps.codeTtlSeconds / 60));
    const text = `${code} is your ${this.deps.issuer} verification code. It expires in ${minutes} minutes. Never share it.`;
    try {
      if (kind === 'email')
        await this.deps.mailer.send({ to: destination, subject: 'Your verification code', text, token: code });
      else await this.deps.sms.send({ to: destination, text });
    } catch {
      throw new HttpError(503, {
        detail: `The ${kind === 'email' ? 'email' : 'SMS'} provider is unavailable; try again shortly.`,
        headers: { 'Retry-After': '30' },
      });
    }
  }

  private async recoveryCodesForNewFactor(userId: string): Promise<string[] | undefined> {
    if ((await this.recovery.count({ userId, usedAt: IsNull() })) > 0) return undefined;
    return this.newRecoveryCodes(userId);
  }

  private async useTotp(userId: string, code: string): Promise<boolean> {
    const factor = (await this.confirmedFactors(userId)).find((candidate) => candidate.kind === 'totp');
    if (factor === undefined || !/^\d{6}$/.test(code)) return false;
    const step = matchTotp(this.secretOf(factor), code, Date.now(), factor.lastUsedStep);
    if (step === undefined) return false;
    // Conditional on the step seen, so two concurrent uses of one code cannot both pass.
    return (
      (await this.factors.updateWhere(
        { id: factor.id, lastUsedStep: factor.lastUsedStep ?? IsNull() },
        { lastUsedStep: step },
      )) === 1
    );
  }

  private async useRecoveryCode(userId: string, code: string): Promise<boolean> {
    const [row] = await this.recovery.list({
      where: { userId, codeHash: this.hashOf(code.trim()), usedAt: IsNull() },
      take: 1,
    });
    if (row === undefined) return false;
    return (await this.recovery.updateWhere({ id: row.id, usedAt: IsNull() }, { usedAt: Date.now() })) === 1;
  }

  private assertOffered(kind: FactorKind): void {
    if (!this.deps.methods.includes(kind)) throw notOffered(kind);
  }

  private async confirmedFactors(userId: string): Promise<MfaFactor[]> {
    return this.factors.list({ where: { userId, confirmedAt: Not(IsNull()) } });
  }

  private async pendingFactor(userId: string, kind: FactorKind): Promise<MfaFactor | undefined> {
    const [pending] = await this.factors.list({ where: { userId, kind, confirmedAt: IsNull() }, take: 1 });
    return pending;
  }

  private async dropPending(userId: string, kind: FactorKind): Promise<void> {
    await this.factors.deleteWhere({ userId, kind, confirmedAt: IsNull() });
  }

  private secretOf(factor: MfaFactor): string {
    return this.deps.encryption.decrypt(factor.secret, `${factor.kind}:${factor.userId}`);
  }

  private hashOf(code: string): string {
    return hmac(this.deps.codeKey, code);
  }
}
