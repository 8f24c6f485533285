import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { bearer, login, registerOwner, startAuthTestApp, totpNow, type Account } from '../testing/auth-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startAuthTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The claims of a JWT, read without checking it (the app checked it). */
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

/** An owner with TOTP, logged in through both factors; `loginCode` is the code that login used. */
async function signedInWithTotp(): Promise<Account & { secret: string; loginCode: string }> {
  const owner = await registerOwner(t);
  const setup = await request(t.app)
    .post('/auth/mfa/totp/setup')
    .set(bearer(owner.accessToken))
    .send({ password: owner.password })
    .expect(200);
  const { secret } = setup.body as { secret: string };
  await request(t.app)
    .post('/auth/mfa/totp/confirm')
    .set(bearer(owner.accessToken))
    .send({ code: await totpNow(secret, -1) })
    .expect(200);
  const { mfaToken } = (await login(t, owner).expect(200)).body as { mfaToken: string };
  const loginCode = await totpNow(secret);
  const verified = await request(t.app).post('/auth/mfa/verify').send({ mfaToken, code: loginCode }).expect(200);
  const body = verified.body as { accessToken: string; refreshToken: string };
  return { ...owner, ...body, secret, loginCode };
}

const stepUp = (account: Account, code: string) =>
  request(t.app).post('/auth/mfa/step-up').set(bearer(account.accessToken)).send({ code });

describe('POST /auth/mfa/step-up', () => {
  it('when a current, unused code is sent, then a token of the same session comes back with mfa_at now', async () => {
    const account = await signedInWithTotp();
    const before = claimsOf(account.accessToken);
    expect(before.mfa_at).toEqual(expect.any(Number));
    const startedAt = Date.now();
    const response = await stepUp(account, await totpNow(account.secret, 1)).expect(200);
    const after = claimsOf((response.body as { accessToken: string }).accessToken);
    expect(after).toMatchObject({ sid: before.sid, sub: before.sub, mfa: true });
    expect(after.mfa_at).toBeGreaterThanOrEqual(startedAt);
  });

  it('when the login’s own code is sent again, then it is refused (a code serves once)', async () => {
    const account = await signedInWithTotp();
    await stepUp(account, account.loginCode).expect(401);
  });

  it('when the session is refreshed, then the new token keeps the session’s mfa_at: a refresh proves nothing', async () => {
    const account = await signedInWithTotp();
    const refreshed = await request(t.app)
      .post('/auth/refresh')
      .send({ refreshToken: account.refreshToken })
      .expect(200);
    const token = (refreshed.body as { accessToken: string }).accessToken;
    expect(claimsOf(token).mfa_at).toBe(claimsOf(account.accessToken).mfa_at);
  });

  it('when the account has no TOTP, then step-up is refused', async () => {
    const owner = await registerOwner(t);
    await stepUp(owner, '123456').expect(401);
    expect(claimsOf(owner.accessToken).mfa_at).toBeUndefined();
  });
});
