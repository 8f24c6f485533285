import argon2 from 'argon2';
import { COMMON_PASSWORDS } from './common-passwords.js';

export interface Argon2Options {
  type: typeof argon2.argon2id;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's Argon2id minimum: 19 MiB, 2 iterations, 1 lane. Raising these re-hashes each user at their next login. */
export const ARGON2_OPTIONS: Readonly<Argon2Options> = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export const PASSWORD_MAX_LENGTH = 128;

/** Hashes and checks passwords with one set of Argon2 parameters: production's unless a test asks for cheaper ones. */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly options: Readonly<Argon2Options> = ARGON2_OPTIONS) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  /** Verifies and reports whether the stored hash uses other parameters and should be replaced. */
  async verify(hash: string, password: string): Promise<{ ok: boolean; rehash: boolean }> {
    let ok: boolean;
    try {
      ok = await argon2.verify(hash, password);
    } catch {
      ok = false;
    }
    return { ok, rehash: ok && argon2.needsRehash(hash, this.options) };
  }

  /** Spends the same Argon2 work as a real check, so an unknown account answers as slowly as a wrong password. */
  async verifyAgainstDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash('dummy password never used by anyone');
    await this.verify(await this.dummyHash, password);
  }
}

/**
 * NIST 800-63B: length between the configured minimum and 128, not a known common password, not the account's own
 * email, not one repeated character. No composition rules. Returns the reason it is refused, or undefined.
 */
export function passwordProblem(password: string, minLength: number, email?: string): string | undefined {
  // NIST counts characters (code points), not UTF-16 units.
  const length = Array.from(password).length;
  if (length < minLength) return `Use at least ${String(minLength)} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${String(PASSWORD_MAX_LENGTH)} characters.`;
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return 'This password is too common; choose another.';
  if (/^(.)\1*$/su.test(password)) return 'This password is one repeated character; choose another.';
  if (email !== undefined && (lower === email || lower === email.split('@')[0]))
    return 'Do not use your email address as a password.';
  return undefined;
}
