import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'enc';

export interface EncryptionKey {
  version: number;
  key: Buffer;
}

/**
 * Parses `ENCRYPTION_KEYS` entries of the form `<version>:<base64 of 32 bytes>`. Throws one error listing
 * every malformed entry.
 */
export function parseEncryptionKeys(entries: readonly string[]): EncryptionKey[] {
  const problems: string[] = [];
  const keys: EncryptionKey[] = [];
  entries.forEach((entry, index) => {
    const match = /^(\d{1,6}):([A-Za-z0-9+/_-]+={0,2})$/.exec(entry.trim());
    const key = match?.[2] === undefined ? undefined : Buffer.from(match[2], 'base64');
    if (match?.[1] === undefined || key?.length !== 32) {
      problems.push(`ENCRYPTION_KEYS[${String(index)}]: expected <version>:<base64 of 32 bytes>`);
      return;
    }
    keys.push({ version: Number(match[1]), key });
  });
  const versions = keys.map((entry) => entry.version);
  if (new Set(versions).size !== versions.length) problems.push('ENCRYPTION_KEYS: key versions must be unique');
  if (entries.length === 0) problems.push('ENCRYPTION_KEYS: at least one key is required');
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return keys;
}

/**
 * AES-256-GCM field encryption with versioned keys. The highest version encrypts; every listed version
 * decrypts, so rotating means adding a new key, re-encrypting at leisure with `rotate`, then dropping the old one.
 * Ciphertext: `enc:<version>:<base64url(iv | tag | ciphertext)>`. `context` (e.g. `users.email:<id>`) is bound
 * as associated data, so a ciphertext copied into another row or column fails to decrypt.
 */
export class FieldEncryption {
  private readonly keys: ReadonlyMap<number, Buffer>;
  private readonly current: EncryptionKey;

  constructor(keys: readonly EncryptionKey[]) {
    const newest = keys.reduce<EncryptionKey | undefined>(
      (best, key) => (best === undefined || key.version > best.version ? key : best),
      undefined,
    );
    if (newest === undefined) throw new Error('FieldEncryption needs at least one key');
    this.current = newest;
    this.keys = new Map(keys.map((entry) => [entry.version, entry.key]));
  }

  get currentVersion(): number {
    return this.current.version;
  }

  encrypt(plaintext: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const payload = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    return `${PREFIX}:${String(this.current.version)}:${payload}`;
  }

  decrypt(ciphertext: string, context = ''): string {
    const { version, payload } = this.split(ciphertext);
    const key = this.keys.get(version);
    if (key === undefined) throw new Error(`No encryption key with version ${String(version)}`);
    const iv = payload.subarray(0, IV_BYTES);
    const tag = payload.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(payload.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** True when the value was encrypted with an older key and should be re-encrypted. */
  needsRotation(ciphertext: string): boolean {
    return this.split(ciphertext).version !== this.current.version;
  }

  /** Re-encrypts with the newest key; returns the value unchanged when it already uses it. */
  rotate(ciphertext: string, context = ''): string {
    return this.needsRotation(ciphertext) ? this.encrypt(this.decrypt(ciphertext, context), context) : ciphertext;
  }

  private split(ciphertext: string): { version: number; payload: Buffer } {
    const [prefix, version, payload, ...rest] = ciphertext.split(':');
    if (
      prefix !== PREFIX ||
      version === undefined ||
      payload === undefined ||
      rest.length > 0 ||
      !/^\d+$/.test(version)
    ) {
      throw new Error('Not a field-encryption ciphertext');
    }
    const bytes = Buffer.from(payload, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('Ciphertext is truncated');
    return { version: Number(version), payload: bytes };
  }
}
