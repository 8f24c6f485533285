import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, deriveKey, hmac, randomToken } from '../security/crypto.js';
import { safeJoin } from '../security/paths.js';
import { loadSecurityKeys } from '../security/secrets.js';
import { testConfig } from '../testing/test-config.js';

describe('safeJoin', () => {
  const root = path.resolve('/srv/uploads');

  it('when the path stays inside the root, then it resolves there', () => {
    expect(safeJoin(root, 'tenant-a/report.pdf')).toBe(path.join(root, 'tenant-a/report.pdf'));
    expect(safeJoin(root, 'a/../b.txt')).toBe(path.join(root, 'b.txt'));
    expect(safeJoin(root, '..hidden')).toBe(path.join(root, '..hidden'));
  });

  it.each([
    ['../etc/passwd'],
    ['a/../../etc/passwd'],
    ['..\\..\\windows\\system32'],
    ['/etc/passwd'],
    ['C:\\Windows\\win.ini'],
    ['C:relative'],
    ['\\\\server\\share\\file'],
    ['report.pdf\0.png'],
    ['.'],
    [''],
  ])('when the path is %j, then it is refused', (attempt) => {
    expect(() => safeJoin(root, attempt)).toThrow();
  });
});

describe('crypto helpers', () => {
  it('when tokens are generated, then they are URL-safe and unique', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => randomToken()));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('when comparing strings, then only equal ones match, whatever their length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });

  it('when signing, then the HMAC depends on key and data, and derived keys differ by purpose', () => {
    expect(hmac('k1', 'data')).toBe(hmac('k1', 'data'));
    expect(hmac('k1', 'data')).not.toBe(hmac('k2', 'data'));
    expect(deriveKey('secret', 'csrf').equals(deriveKey('secret', 'cookies'))).toBe(false);
  });
});

describe('loadSecurityKeys', () => {
  it('when APP_SECRET is short and ENCRYPTION_KEYS malformed, then both problems are listed', () => {
    expect(() => loadSecurityKeys(testConfig({ APP_SECRET: 'short', ENCRYPTION_KEYS: 'nope' }))).toThrow(
      /APP_SECRET[\s\S]*ENCRYPTION_KEYS/,
    );
  });
});
