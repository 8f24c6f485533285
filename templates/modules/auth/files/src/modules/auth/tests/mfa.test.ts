import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { MfaFactor } from '../entities/mfa.entity.js';
import {
  bearer,
  lastMailTo,
  login,
  registerOwner,
  startAuthTestApp,
  strongPassword,
  type Account,
  totpNow,
} from '../testing/auth-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startAuthTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Enrolled extends Account {
  secret: string;
  recoveryCodes: string[];
}

async function enrol(app: TestApp, account: Account): Promise<Enrolled> {
  const setup = await request(app.app)
    .post('/auth/mfa/totp/setup')
    .set(bearer(account.accessToken))
    .send({ password: account.password })
    .expect(200);
  const { secret } = setup.body as { secret: string };
  // The confirmation code uses the previous step, so tests that log in right after have a fresh one.
  const confirm = await request(app.app)
    .post('/auth/mfa/totp/confirm')
    .set(bearer(account.accessToken))
    .send({ code: await totpNow(secret, -1) })
    .expect(200);
  const body = confirm.body as { recoveryCodes: string[]; accessToken: string };
  return { ...account, accessToken: body.accessToken, secret, recoveryCodes: body.recoveryCodes };
}

async function passwordStep(app: TestApp, account: Account): Promise<string> {
  const response = await login(app, account).expect(200);
  expect(response.body).toMatchObject({ mfaRequired: true });
  expect((response.body as { accessToken?: string }).accessToken).toBeUndefined();
  return (response.body as { mfaToken: string }).mfaToken;
}

describe('POST /auth/mfa/totp/setup', () => {
  it('when the password is given, then it returns the secret, an otpauth URI and a QR PNG', async () => {
    const owner = await registerOwner(t);
    const response = await request(t.app)
      .post('/auth/mfa/totp/setup')
      .set(bearer(owner.accessToken))
      .send({ password: owner.password })
      .expect(200);
    const body = response.body as { secret: string; otpauthUri: string; qrCode: string };
    expect(body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+\?secret=[A-Z2-7]+&issuer=/);
    expect(body.qrCode).toMatch(/^data:image\/png;base64,/);
  });

  it('when the password is wrong, then the factor cannot be changed (re-authentication)', async () => {
    const owner = await registerOwner(t);
    await request(t.app)
      .post('/auth/mfa/totp/setup')
      .set(bearer(owner.accessToken))
      .send({ password: strongPassword() })
      .expect(403);
  });

  it('when stored, then the TOTP secret is encrypted', async () => {
    const owner = await registerOwner(t);
    const response = await request(t.app)
      .post('/auth/mfa/totp/setup')
      .set(bearer(owner.accessToken))
      .send({ password: owner.password })
      .expect(200);
    const rows = await t.dataSource.getRepository(MfaFactor).find();
    expect(rows.some((row) => row.secret.includes((response.body as { secret: string }).secret))).toBe(false);
  });
});

describe('POST /auth/mfa/totp/confirm', () => {
  it('when the code is wrong, then enrolment is not confirmed', async () => {
    const owner = await registerOwner(t);
    const setup = await request(t.app)
      .post('/auth/mfa/totp/setup')
      .set(bearer(owner.accessToken))
      .send({ password: owner.password })
      .expect(200);
    const wrong = (await totpNow((setup.body as { secret: string }).secret)) === '000000' ? '111111' : '000000';
    await request(t.app)
      .post('/auth/mfa/totp/confirm')
      .set(bearer(owner.accessToken))
      .send({ code: wrong })
      .expect(401);
    await login(t, owner)
      .expect(200)
      .expect((response) => {
        expect(response.body).toHaveProperty('accessToken');
      });
  });

  it('when confirmed, then ten distinct recovery codes come back', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    expect(new Set(enrolled.recoveryCodes).size).toBe(10);
  });
});

describe('POST /auth/mfa/verify', () => {
  it('when the password step is followed by a valid TOTP code, then tokens with mfa come back', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    const mfaToken = await passwordStep(t, enrolled);
    const response = await request(t.app)
      .post('/auth/mfa/verify')
      .send({ mfaToken, code: await totpNow(enrolled.secret) })
      .expect(200);
    const access = (response.body as { accessToken: string }).accessToken;
    const payload = JSON.parse(Buffer.from(access.split('.')[1] ?? '', 'base64url').toString()) as { mfa: boolean };
    expect(payload.mfa).toBe(true);
  });

  it('when the same TOTP code is replayed in its window, then it is refused', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    const code = await totpNow(enrolled.secret);
    await request(t.app)
      .post('/auth/mfa/verify')
      .send({ mfaToken: await passwordStep(t, enrolled), code })
      .expect(200);
    await request(t.app)
      .post('/auth/mfa/verify')
      .send({ mfaToken: await passwordStep(t, enrolled), code })
      .expect(401);
  });

  it('when a code from two steps ago is sent, then it is refused (window is ±1 step)', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    await request(t.app)
      .post('/auth/mfa/verify')
      .send({ mfaToken: await passwordStep(t, enrolled), code: await totpNow(enrolled.secret, -3) })
      .expect(401);
  });

  it('when a recovery code is used, then it works once', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    const recoveryCode = enrolled.recoveryCodes[0] ?? '';
    await request(t.app)
      .post('/auth/mfa/verify')
      .send({ mfaToken: await passwordStep(t, enrolled), recoveryCode })
      .expect(200);
    await request(t.app)
      .post('/auth/mfa/verify')
      .send({ mfaToken: await passwordStep(t, enrolled), recoveryCode })
      .expect(401);
  });

  it('when five wrong codes are sent, then the challenge is over even for the right code', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    const mfaToken = await passwordStep(t, enrolled);
    const right = await totpNow(enrolled.secret);
    const wrong = right === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++)
      await request(t.app).post('/auth/mfa/verify').send({ mfaToken, code: wrong }).expect(401);
    await request(t.app).post('/auth/mfa/verify').send({ mfaToken, code: right }).expect(429);
  });

  it('when the challenge token is used as an access token, then it opens nothing', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    const mfaToken = await passwordStep(t, enrolled);
    await request(t.app).get('/auth/me').set(bearer(mfaToken)).expect(401);
    await request(t.app).get('/auth/sessions').set(bearer(mfaToken)).expect(401);
  });

  it('when an access token is sent as the challenge, then it is refused', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    await request(t.app)
      .post('/auth/mfa/verify')
      .send({ mfaToken: enrolled.accessToken, code: await totpNow(enrolled.secret) })
      .expect(401);
  });

  it('when a challenge is answered, then it cannot be answered again', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    const mfaToken = await passwordStep(t, enrolled);
    await request(t.app)
      .post('/auth/mfa/verify')
      .send({ mfaToken, recoveryCode: enrolled.recoveryCodes[0] })
      .expect(200);
    await request(t.app)
      .post('/auth/mfa/verify')
      .send({ mfaToken, recoveryCode: enrolled.recoveryCodes[1] })
      .expect(429);
  });
});

describe('password reset and MFA', () => {
  it('when the password is reset, then the next login still asks for the second factor', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    await request(t.app)
      .post('/auth/password/forgot')
      .send({ email: enrolled.email, tenant: enrolled.tenantId })
      .expect(202);
    const token = lastMailTo(t, enrolled.email, /Reset/)?.token ?? '';
    const newPassword = strongPassword();
    const reset = await request(t.app).post('/auth/password/reset').send({ token, newPassword }).expect(204);
    expect(reset.body).toEqual({});
    await passwordStep(t, { ...enrolled, password: newPassword });
  });
});

describe('DELETE /auth/mfa/totp', () => {
  it('when the password is wrong, then the factor stays; when right, then it is removed', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    await request(t.app)
      .delete('/auth/mfa/totp')
      .set(bearer(enrolled.accessToken))
      .send({ password: strongPassword() })
      .expect(403);
    await passwordStep(t, enrolled);
    await request(t.app)
      .delete('/auth/mfa/totp')
      .set(bearer(enrolled.accessToken))
      .send({ password: enrolled.password })
      .expect(204);
    await login(t, enrolled)
      .expect(200)
      .expect((response) => {
        expect(response.body).toHaveProperty('accessToken');
      });
  });
});

describe('POST /auth/mfa/recovery-codes', () => {
  it('when regenerated, then the old codes stop working', async () => {
    const enrolled = await enrol(t, await registerOwner(t));
    const response = await request(t.app)
      .post('/auth/mfa/recovery-codes')
      .set(bearer(enrolled.accessToken))
      .send({ password: enrolled.password })
      .expect(200);
    expect((response.body as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(10);
    await request(t.app)
      .post('/auth/mfa/verify')
      .send({ mfaToken: await passwordStep(t, enrolled), recoveryCode: enrolled.recoveryCodes[0] })
      .expect(401);
  });
});

describe('mfa_required', () => {
  it('when MFA is required and not yet enrolled, then only enrolment, profile and logout work', async () => {
    const strict = await startAuthTestApp({ auth: { mfaRequired: true } });
    try {
      const owner = await registerOwner(strict);
      await request(strict.app).get('/auth/sessions').set(bearer(owner.accessToken)).expect(403);
      await request(strict.app).get('/auth/users').set(bearer(owner.accessToken)).expect(403);
      await request(strict.app)
        .post('/auth/invitations')
        .set(bearer(owner.accessToken))
        .send({ email: 'a@example.test' })
        .expect(403);
      await request(strict.app).get('/auth/me').set(bearer(owner.accessToken)).expect(200);
      const enrolled = await enrol(strict, owner);
      await request(strict.app).get('/auth/sessions').set(bearer(enrolled.accessToken)).expect(200);
    } finally {
      await strict.close();
    }
  });

  it('when a token claims mfa without the signature to back it, then it is refused', async () => {
    const strict = await startAuthTestApp({ auth: { mfaRequired: true } });
    try {
      const owner = await registerOwner(strict);
      const [h, p, s] = owner.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
      const forged = `${h ?? ''}.${Buffer.from(JSON.stringify({ ...claims, mfa: true })).toString('base64url')}.${s ?? ''}`;
      await request(strict.app).get('/auth/sessions').set(bearer(forged)).expect(401);
    } finally {
      await strict.close();
    }
  });
});
