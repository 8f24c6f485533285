import QRCode from 'qrcode';
import { HttpError, hmac, randomToken, runWithTenant, TenantRepository, type FieldEncryption, type Limiter } from '../core/index.js';
import { In, IsNull, type DataSource } from 'typeorm';
import { MfaFactor, RecoveryCode } from './entities/mfa.entity.js';
import { limitOrRefuse } from './lockout.js';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.js';

const RECOVERY_CODES = 10;

export interface MfaDeps {
  dataSource: DataSource;
  rowLevelSecurity: boolean;
  encryption: FieldEncryption;
  /** Key of the recovery-code HMAC. */
  codeKey: Buffer;
  /** Five attempts per challenge. */
  attempts: Limiter;
  issuer: string;
}

const wrongCode = () => new HttpError(401, { title: 'Verification failed', detail: 'The code is wrong, expired or already used.' });

/** TOTP factors and recovery codes: enrolment, verification with replay protection, single-use recovery codes. */
export class Mfa {
  private readonly factors: TenantRepository<MfaFactor>;
  private readonly codes: TenantRepository<RecoveryCode>;

  constructor(private readonly deps: MfaDeps) {
    this.factors = new TenantRepository(deps.dataSource, MfaFactor, { rowLevelSecurity: deps.rowLevelSecurity });
    this.codes = new TenantRepository(deps.dataSource, RecoveryCode, { rowLevelSecurity: deps.rowLevelSecurity });
  }

  /** Whether the user (in the current tenant) has a confirmed factor. */
  async enrolled(userId: string): Promise<boolean> {
    return (await this.confirmedFactor(userId)) !== null;
  }

  /** Starts TOTP enrolment, replacing an unconfirmed one; a confirmed factor must be removed first. */
  async setup(userId: string, email: string): Promise<{ secret: string; otpauthUri: string; qrCode: string }> {
    if (await this.enrolled(userId)) throw new HttpError(409, { detail: 'TOTP is already set up; remove it first.' });
    for (const pending of await this.factors.list({ where: { userId } })) await this.factors.delete(pending.id);
    const secret = newTotpSecret();
    await this.factors.create({ userId, kind: 'totp', secret: this.deps.encryption.encrypt(secret, `totp:${userId}`), confirmedAt: null, lastUsedStep: null });
    const uri = otpauthUri(secret, email, this.deps.issuer);
    return { secret, otpauthUri: uri, qrCode: await QRCode.toDataURL(uri) };
  }

  /** Confirms enrolment with a first code; returns ten fresh recovery codes (shown once). */
  async confirm(userId: string, code: string): Promise<string[]> {
    const [pending] = await this.factors.list({ where: { userId, confirmedAt: IsNull() }, take: 1 });
    if (pending === undefined) throw new HttpError(409, { detail: 'Start the TOTP setup first.' });
    const step = matchTotp(this.secretOf(pending), code, Date.now(), pending.lastUsedStep);
    if (step === undefined) throw wrongCode();
    await this.factors.update(pending.id, { confirmedAt: Date.now(), lastUsedStep: step });
    return this.newRecoveryCodes(userId);
  }

  async remove(userId: string): Promise<void> {
    for (const factor of await this.factors.list({ where: { userId } })) await this.factors.delete(factor.id);
    for (const code of await this.codes.list({ where: { userId }, take: 1000 })) await this.codes.delete(code.id);
  }

  async newRecoveryCodes(userId: string): Promise<string[]> {
    for (const old of await this.codes.list({ where: { userId }, take: 1000 })) await this.codes.delete(old.id);
    const fresh = Array.from({ length: RECOVERY_CODES }, () => randomToken(10).replace(/[-_]/g, 'x').slice(0, 12));
    for (const code of fresh) await this.codes.create({ userId, codeHash: this.hashOf(code), usedAt: null });
    return fresh;
  }

  /**
   * Checks a TOTP or recovery code for the challenge `challengeId`: at most five attempts per challenge, a TOTP
   * step and a recovery code are accepted once. Throws 401 otherwise.
   */
  async verify(tenantId: string, userId: string, challengeId: string, input: { code?: string | undefined; recoveryCode?: string | undefined }): Promise<void> {
    await limitOrRefuse(this.deps.attempts, challengeId);
    const ok = await runWithTenant(tenantId, async () => {
      if (input.code !== undefined) return this.useTotp(tenantId, userId, input.code);
      if (input.recoveryCode !== undefined) return this.useRecoveryCode(tenantId, userId, input.recoveryCode);
      return false;
    });
    if (!ok) throw wrongCode();
    // A challenge answers once: further attempts on it are refused.
    await this.deps.attempts.backend.block(challengeId, 600);
  }

  private async useTotp(tenantId: string, userId: string, code: string): Promise<boolean> {
    const factor = await this.confirmedFactor(userId);
    if (factor === null) return false;
    const step = matchTotp(this.secretOf(factor), code, Date.now(), factor.lastUsedStep);
    if (step === undefined) return false;
    // Conditional on the step seen, so two concurrent uses of one code cannot both pass.
    const repository = this.deps.dataSource.getRepository(MfaFactor);
    const where = factor.lastUsedStep === null ? { id: factor.id, tenantId, lastUsedStep: IsNull() } : { id: factor.id, tenantId, lastUsedStep: factor.lastUsedStep };
    const result = await repository.update(where, { lastUsedStep: step });
    return result.affected === 1;
  }

  private async useRecoveryCode(tenantId: string, userId: string, code: string): Promise<boolean> {
    const [row] = await this.codes.list({ where: { userId, codeHash: this.hashOf(code.trim()), usedAt: IsNull() }, take: 1 });
    if (row === undefined) return false;
    const result = await this.deps.dataSource.getRepository(RecoveryCode).update({ id: In([row.id]), tenantId, usedAt: IsNull() }, { usedAt: Date.now() });
    return result.affected === 1;
  }

  private async confirmedFactor(userId: string): Promise<MfaFactor | null> {
    const factors = await this.factors.list({ where: { userId }, take: 5 });
    return factors.find((factor) => factor.confirmedAt !== null) ?? null;
  }

  private secretOf(factor: MfaFactor): string {
    return this.deps.encryption.decrypt(factor.secret, `totp:${factor.userId}`);
  }

  private hashOf(code: string): string {
    return hmac(this.deps.codeKey, code);
  }
}
