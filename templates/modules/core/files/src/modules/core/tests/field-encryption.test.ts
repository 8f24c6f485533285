import { describe, expect, it } from 'vitest';
import { FieldEncryption, parseEncryptionKeys } from '../security/field-encryption.js';
import { testEncryptionKey } from '../testing/test-config.js';

describe('FieldEncryption', () => {
  it('when a value is encrypted, then it decrypts to the same text and never shows the plaintext', () => {
    const encryption = new FieldEncryption(parseEncryptionKeys([testEncryptionKey(1)]));
    const ciphertext = encryption.encrypt('alice@example.test');
    expect(ciphertext).toMatch(/^enc:1:/);
    expect(ciphertext).not.toContain('alice');
    expect(encryption.decrypt(ciphertext)).toBe('alice@example.test');
  });

  it('when the same value is encrypted twice, then the ciphertexts differ (random IV)', () => {
    const encryption = new FieldEncryption(parseEncryptionKeys([testEncryptionKey(1)]));
    expect(encryption.encrypt('same')).not.toBe(encryption.encrypt('same'));
  });

  it('when a new key is added, then old ciphertexts still decrypt and new ones use the newest key', () => {
    const oldKey = testEncryptionKey(1);
    const before = new FieldEncryption(parseEncryptionKeys([oldKey]));
    const legacy = before.encrypt('card-1234');
    const after = new FieldEncryption(parseEncryptionKeys([oldKey, testEncryptionKey(2)]));
    expect(after.decrypt(legacy)).toBe('card-1234');
    expect(after.encrypt('x')).toMatch(/^enc:2:/);
    expect(after.needsRotation(legacy)).toBe(true);
    const rotated = after.rotate(legacy);
    expect(rotated).toMatch(/^enc:2:/);
    expect(after.decrypt(rotated)).toBe('card-1234');
    expect(after.rotate(rotated)).toBe(rotated);
  });

  it('when the ciphertext is tampered with, then decryption fails', () => {
    const encryption = new FieldEncryption(parseEncryptionKeys([testEncryptionKey(1)]));
    const ciphertext = encryption.encrypt('secret');
    const last = ciphertext.at(-2) === 'A' ? 'B' : 'A';
    expect(() => encryption.decrypt(`${ciphertext.slice(0, -2)}${last}${ciphertext.slice(-1)}`)).toThrow();
  });

  it('when a ciphertext is moved to another context, then decryption fails', () => {
    const encryption = new FieldEncryption(parseEncryptionKeys([testEncryptionKey(1)]));
    const ciphertext = encryption.encrypt('secret', 'users.email:1');
    expect(encryption.decrypt(ciphertext, 'users.email:1')).toBe('secret');
    expect(() => encryption.decrypt(ciphertext, 'users.email:2')).toThrow();
  });

  it('when the key that encrypted a value is dropped, then decryption names the missing version', () => {
    const legacy = new FieldEncryption(parseEncryptionKeys([testEncryptionKey(1)])).encrypt('x');
    const current = new FieldEncryption(parseEncryptionKeys([testEncryptionKey(2)]));
    expect(() => current.decrypt(legacy)).toThrow(/version 1/);
  });

  it('when ENCRYPTION_KEYS entries are malformed or repeat a version, then every problem is listed', () => {
    expect(() => parseEncryptionKeys(['1:short', 'nonsense', testEncryptionKey(3), testEncryptionKey(3)])).toThrow(
      /ENCRYPTION_KEYS\[0\][\s\S]*ENCRYPTION_KEYS\[1\][\s\S]*unique/,
    );
  });
});
