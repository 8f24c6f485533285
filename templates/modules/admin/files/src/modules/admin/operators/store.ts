import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import type { FieldEncryption } from '../../core/index.js';
import {
  matchTotp,
  newTotpSecret,
  normalizeEmail,
  otpauthUri,
  passwordProblem,
  PasswordHasher,
} from '../../auth/index.js';
import { Operator } from '../entities/operator.entity.js';

export interface NewOperator {
  id: string;
  email: string;
  /** The TOTP secret, shown once to whoever ran the command, for their authenticator app. */
  totpSecret: string;
  otpauthUri: string;
}

/** Refused input of `create`, naming the field. */
export class OperatorInputError extends Error {}

/** The operator accounts: created here (by the CLI only), checked at sign-in. */
export class OperatorStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: FieldEncryption,
    private readonly passwords = new PasswordHasher(),
  ) {}

  async create(input: { email: string; password: string; minLength: number; issuer: string }): Promise<NewOperator> {
    const email = normalizeEmail(input.email);
    if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254)
      throw new OperatorInputError(`email: ${JSON.stringify(input.email)} is not an email address`);
    const problem = passwordProblem(input.password, input.minLength, email);
    if (problem !== undefined) throw new OperatorInputError(`password: ${problem}`);
    const repository = this.dataSource.getRepository(Operator);
    if ((await repository.countBy({ email })) > 0)
      throw new OperatorInputError(`email: ${email} is already an operator`);
    const id = randomUUID();
    const totpSecret = newTotpSecret();
    await repository.insert({
      id,
      email,
      passwordHash: await this.passwords.hash(input.password),
      totpSecret: this.encryption.encrypt(totpSecret, `admin-operator:${id}`),
      lastUsedStep: null,
      createdAt: new Date().toISOString(),
    });
    return { id, email, totpSecret, otpauthUri: otpauthUri(totpSecret, email, `${input.issuer} operators`) };
  }

  /**
   * The operator whose password and TOTP code both hold, or undefined. An unknown address spends the same Argon2
   * work; a code is accepted once (its step must be later than the last one used, claimed by a conditional update).
   */
  async signIn(rawEmail: string, password: string, code: string): Promise<Operator | undefined> {
    const repository = this.dataSource.getRepository(Operator);
    const operator = await repository.findOneBy({ email: normalizeEmail(rawEmail) });
    if (operator === null) {
      await this.passwords.verifyAgainstDummy(password);
      return undefined;
    }
    if (!(await this.passwords.verify(operator.passwordHash, password)).ok) return undefined;
    const secret = this.encryption.decrypt(operator.totpSecret, `admin-operator:${operator.id}`);
    const step = matchTotp(secret, code, Date.now(), operator.lastUsedStep);
    if (step === undefined) return undefined;
    const claimed = await repository.update(
      { id: operator.id, lastUsedStep: operator.lastUsedStep ?? IsNull() },
      { lastUsedStep: step },
    );
    return claimed.affected === 1 ? operator : undefined;
  }

  async byId(id: string): Promise<Operator | null> {
    return this.dataSource.getRepository(Operator).findOneBy({ id });
  }
}
