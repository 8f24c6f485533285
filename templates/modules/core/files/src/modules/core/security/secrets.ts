import type { AppConfig } from '../../../config.js';
import { deriveKey } from './crypto.js';
import { FieldEncryption, parseEncryptionKeys } from './field-encryption.js';

export const MIN_APP_SECRET_LENGTH = 32;

export interface SecurityKeys {
  encryption: FieldEncryption;
  csrfKey: Buffer;
}

/**
 * Checks the secrets beyond what the env schema can say (length, key format) and derives the keys the app uses.
 * Throws one error listing every problem, so the app refuses to boot with a full list.
 */
export function loadSecurityKeys(config: AppConfig): SecurityKeys {
  const problems: string[] = [];
  if (config.env.APP_SECRET.length < MIN_APP_SECRET_LENGTH) {
    problems.push(`APP_SECRET: must be at least ${String(MIN_APP_SECRET_LENGTH)} characters`);
  }
  let encryption: FieldEncryption | undefined;
  try {
    encryption = new FieldEncryption(parseEncryptionKeys(config.env.ENCRYPTION_KEYS));
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  if (problems.length > 0 || encryption === undefined) throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  return { encryption, csrfKey: deriveKey(config.env.APP_SECRET, 'csrf') };
}
