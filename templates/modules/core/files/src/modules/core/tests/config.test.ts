import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../config.js';
import { moduleTestEnv, testEncryptionKey } from '../testing/test-config.js';

const valid = {
  ...moduleTestEnv(),
  APP_SECRET: randomBytes(32).toString('base64url'),
  ENCRYPTION_KEYS: `${testEncryptionKey(1)},${testEncryptionKey(2)}`,
};

/** The issues loadConfig reports for `env`, or [] when it accepts it. */
function issuesOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
}

describe('loadConfig', () => {
  it('when every variable is valid, then the config loads', () => {
    expect(issuesOf(valid)).toEqual([]);
  });

  it('when several variables are missing or invalid, then one error names every one of them', () => {
    const issues = issuesOf({
      APP_SECRET: 'too-short',
      ENCRYPTION_KEYS: `${testEncryptionKey(1)},2:${randomBytes(16).toString('base64')}`,
      PORT: 'eighty',
      NODE_ENV: 'staging',
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^APP_SECRET: must be at least 32 characters/),
        expect.stringMatching(/^ENCRYPTION_KEYS\[1\]: expected version:base64\(32 bytes\)/),
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^NODE_ENV: /),
      ]),
    );
    // One line each: the valid first key and the valid variables add nothing.
    expect(issues.filter((issue) => /^(APP_SECRET|ENCRYPTION_KEYS|PORT|NODE_ENV)\b/.test(issue))).toHaveLength(4);
  });

  it('when a variable has its former name (AUTH_SMTP_URL), then the boot stops and names the new one', () => {
    const issues = issuesOf({ ...valid, AUTH_MAIL_TRANSPORT: 'smtp', AUTH_SMTP_URL: 'smtp://127.0.0.1:2525' });
    expect(issues).toEqual([
      'AUTH_MAIL_TRANSPORT: renamed to MAIL_TRANSPORT; set that instead',
      'AUTH_SMTP_URL: renamed to SMTP_URL; set that instead',
    ]);
    expect(issuesOf({ ...valid, MAIL_TRANSPORT: 'smtp', SMTP_URL: 'smtp://127.0.0.1:2525' })).toEqual([]);
  });

  it('when the secrets are missing or blank, then each is reported as required', () => {
    expect(issuesOf({ APP_SECRET: '' })).toEqual(
      expect.arrayContaining(['APP_SECRET: is required', 'ENCRYPTION_KEYS: is required']),
    );
  });

  it('when ENCRYPTION_KEYS holds no key or a key without a version, then it is refused', () => {
    expect(issuesOf({ ...valid, ENCRYPTION_KEYS: ' , ' })).toEqual([expect.stringMatching(/^ENCRYPTION_KEYS: /)]);
    expect(issuesOf({ ...valid, ENCRYPTION_KEYS: randomBytes(32).toString('base64') })).toEqual([
      expect.stringMatching(/^ENCRYPTION_KEYS\[0\]: /),
    ]);
  });
});
