import type { AppConfig } from '../../../config.js';
import { deriveKey } from './crypto.js';
import { FieldEncryption, parseEncryptionKeys } from './field-encryption.js';

export const MIN_APP_SECRET_LENGTH = 32;

export interface SecurityKeys {
  encryption: FieldEncryption;
  csrfKey: Buffer;
}

/**
 * Derives the keys the app uses. src/config.ts already refuses a short APP_SECRET or a malformed key before
 * anything boots; this repeats the checks (and refuses duplicate key versions) for configs built any other way.
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
  if (problems.length > 0 || encryption === undefined)
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  return { encryption, csrfKey: deriveKey(config.env.APP_SECRET, 'csrf') };
}
