import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { MfaFactor } from '../entities/mfa.entity.js';
import { codeIn, startFakeSms, type FakeSms } from '../testing/fake-sms.js';
import {
  bearer,
  lastMailTo,
  login,
  registerOwner,
  startAuthTestApp,
  strongPassword,
  uniqueEmail,
  type Account,
} from '../testing/auth-helpers.js';

const SMS = { accountSid: 'AC00000000000000000000000000000001', authToken: 'fake-sms-auth-token-for-tests' };

let t: TestApp;
let sms: FakeSms;
beforeAll(async () => {
  sms = await startFakeSms(SMS);
  // The real HTTP transport, pointed at the provider's stand-in on loopback.
  t = await startAuthTestApp({
    env: {
      AUTH_SMS_TRANSPORT: 'http',
      AUTH_SMS_API_BASE: sms.apiBase,
      AUTH_SMS_ACCOUNT_SID: SMS.accountSid,
      AUTH_SMS_AUTH_TOKEN: SMS.authToken,
      AUTH_SMS_FROM: '+15550000000',
    },
  });
});
afterAll(async () => {
  await t.close();
  await sms.close();
});
afterEach(() => {
  sms.failWith = undefined;
  vi.useRealTimers();
});

const lastSmsTo = (phone: string) => sms.received.filter((message) => message.to === phone).at(-1);
const mailedCode = (app: TestApp, email: string) => codeIn(lastMailTo(app, email, /verification code/)?.text);
const newPhone = () => `+1555${String(Math.floor(1_000_000 + Math.random() * 8_999_999))}`;

interface Enrolled extends Account {
  recoveryCodes: string[];
}

async function enrolEmail(app: TestApp, account: Account): Promise<Enrolled> {
  await request(app.app)
    .post('/auth/mfa/email/setup')
    .set(bearer(account.accessToken))
    .send({ password: account.password })
    .expect(202);
  const confirm = await request(app.app)
    .post('/auth/mfa/email/confirm')
    .set(bearer(account.accessToken))
    .send({ code: mailedCode(app, account.email) })
    .expect(200);
  const body = confirm.body as { recoveryCodes: string[]; accessToken: string };
  return { ...account, accessToken: body.accessToken, recoveryCodes: body.recoveryCodes };
}

async function enrolSms(app: TestApp, account: Account, phone: string): Promise<Account> {
  await request(app.app)
    .post('/auth/mfa/sms/setup')
    .set(bearer(account.accessToken))
    .send({ password: account.password, phone })
    .expect(202);
  const confirm = await request(app.app)
    .post('/auth/mfa/sms/confirm')
    .set(bearer(account.accessToken))
    .send({ code: codeIn(lastSmsTo(phone)?.body) })
    .expect(200);
  return { ...account, accessToken: (confirm.body as { accessToken: string }).accessToken };
}

async function challenge(app: TestApp, account: Account): Promise<{ mfaToken: string; methods: string[] }> {
  const response = await login(app, account).expect(200);
  expect(response.body).toMatchObject({ mfaRequired: true });
  return response.body as { mfaToken: string; methods: string[] };
}

const send = (app: TestApp, mfaToken: string, method: 'email' | 'sms') =>
  request(app.app).post('/auth/mfa/challenge').send({ mfaToken, method });
const verify = (app: TestApp, mfaToken: string, method: string, code: string) =>
  request(app.app).post('/auth/mfa/verify').send({ mfaToken, method, code });

describe('email codes', () => {
  it('when enrolled with the emailed code, then login asks for a second factor and an emailed code finishes it', async () => {
    const enrolled = await enrolEmail(t, await registerOwner(t));
    expect(enrolled.recoveryCodes).toHaveLength(10);
    const { mfaToken, methods } = await challenge(t, enrolled);
    expect(methods).toEqual(['email', 'recovery_code']);
    const sent = await send(t, mfaToken, 'email').expect(202);
    expect((sent.body as { sentTo: string }).sentTo).not.toContain(enrolled.email.split('@')[0]?.slice(1));
    const tokens = await verify(t, mfaToken, 'email', mailedCode(t, enrolled.email)).expect(200);
    await request(t.app)
      .get('/auth/me')
      .set(bearer((tokens.body as { accessToken: string }).accessToken))
      .expect(200);
  });

  it('when the password is wrong, then the factor cannot be added (re-authentication)', async () => {
    const owner = await registerOwner(t);
    await request(t.app)
      .post('/auth/mfa/email/setup')
      .set(bearer(owner.accessToken))
      .send({ password: strongPassword() })
      .expect(403);
    expect(lastMailTo(t, owner.email, /verification code/)).toBeUndefined();
  });

  it('when the enrolment code is wrong, then the factor is not added', async () => {
    const owner = await registerOwner(t);
    await request(t.app)
      .post('/auth/mfa/email/setup')
      .set(bearer(owner.accessToken))
      .send({ password: owner.password })
      .expect(202);
    const wrong = mailedCode(t, owner.email) === '000000' ? '111111' : '000000';
    await request(t.app)
      .post('/auth/mfa/email/confirm')
      .set(bearer(owner.accessToken))
      .send({ code: wrong })
      .expect(401);
    await login(t, owner)
      .expect(200)
      .expect((response) => {
        expect(response.body).toHaveProperty('accessToken');
      });
  });

  it('when a code sent for one challenge is used on another, then it is refused (codes are bound to their challenge)', async () => {
    const enrolled = await enrolEmail(t, await registerOwner(t));
    const first = await challenge(t, enrolled);
    await send(t, first.mfaToken, 'email').expect(202);
    const codeOfFirst = mailedCode(t, enrolled.email);
    const second = await challenge(t, enrolled);
    await verify(t, second.mfaToken, 'email', codeOfFirst).expect(401);
  });

  it('when a new code is sent, then the earlier one stops working', async () => {
    const enrolled = await enrolEmail(t, await registerOwner(t));
    const { mfaToken } = await challenge(t, enrolled);
    await send(t, mfaToken, 'email').expect(202);
    const earlier = mailedCode(t, enrolled.email);
    await send(t, mfaToken, 'email').expect(202);
    const latest = mailedCode(t, enrolled.email);
    if (earlier !== latest) await verify(t, mfaToken, 'email', earlier).expect(401);
    await verify(t, mfaToken, 'email', latest).expect(200);
  });

  it('when the code is older than its lifetime, then it is refused', async () => {
    const enrolled = await enrolEmail(t, await registerOwner(t));
    const { mfaToken } = await challenge(t, enrolled);
    await send(t, mfaToken, 'email').expect(202);
    const code = mailedCode(t, enrolled.email);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + (t.config.auth.mfaCodeTtlSeconds + 1) * 1000 });
    await verify(t, mfaToken, 'email', code).expect(401);
  });

  it('when a challenge asks for more than three codes, then it is refused (no mail bombing)', async () => {
    const enrolled = await enrolEmail(t, await registerOwner(t));
    const { mfaToken } = await challenge(t, enrolled);
    for (let i = 0; i < 3; i += 1) await send(t, mfaToken, 'email').expect(202);
    await send(t, mfaToken, 'email').expect(429);
  });

  it('when the challenge token is forged or missing, then no code is sent', async () => {
    const enrolled = await enrolEmail(t, await registerOwner(t));
    const before = lastMailTo(t, enrolled.email, /verification code/);
    await send(t, `${(await challenge(t, enrolled)).mfaToken}x`, 'email').expect(401);
    await send(t, enrolled.accessToken, 'email').expect(401);
    expect(lastMailTo(t, enrolled.email, /verification code/)).toBe(before);
  });

  it('when the app does not offer email codes, then enrolment is refused', async () => {
    const strict = await startAuthTestApp({ auth: { mfaMethods: ['totp'] } });
    try {
      const owner = await registerOwner(strict);
      await request(strict.app)
        .post('/auth/mfa/email/setup')
        .set(bearer(owner.accessToken))
        .send({ password: owner.password })
        .expect(403);
    } finally {
      await strict.close();
    }
  });
});

describe('SMS codes through the HTTP provider', () => {
  it('when a number is enrolled, then the provider receives the code and login finishes with a texted code', async () => {
    const phone = newPhone();
    const enrolled = await enrolSms(t, await registerOwner(t), phone);
    expect(lastSmsTo(phone)).toMatchObject({ from: '+15550000000', accountSid: SMS.accountSid });
    const { mfaToken, methods } = await challenge(t, enrolled);
    expect(methods).toEqual(['sms', 'recovery_code']);
    const sent = await send(t, mfaToken, 'sms').expect(202);
    expect((sent.body as { sentTo: string }).sentTo).not.toBe(phone);
    await verify(t, mfaToken, 'sms', codeIn(lastSmsTo(phone)?.body)).expect(200);
    const factors = await request(t.app).get('/auth/mfa').set(bearer(enrolled.accessToken)).expect(200);
    expect(factors.body).toEqual([
      expect.objectContaining({ method: 'sms', destination: expect.stringMatching(/^\+1•+\d\d$/) as unknown }),
    ]);
  });

  it('when stored, then the phone number is encrypted', async () => {
    const phone = newPhone();
    await enrolSms(t, await registerOwner(t), phone);
    const rows = await t.dataSource.getRepository(MfaFactor).find();
    expect(rows.some((row) => row.secret.includes(phone.slice(1)))).toBe(false);
  });

  it('when the number is changed, then the password is asked again and the old number stops receiving codes', async () => {
    const oldPhone = newPhone();
    const enrolled = await enrolSms(t, await registerOwner(t), oldPhone);
    const replacement = newPhone();
    await request(t.app)
      .post('/auth/mfa/sms/setup')
      .set(bearer(enrolled.accessToken))
      .send({ password: strongPassword(), phone: replacement })
      .expect(403);
    await enrolSms(t, enrolled, replacement);
    const { mfaToken } = await challenge(t, enrolled);
    const before = sms.received.filter((message) => message.to === oldPhone).length;
    await send(t, mfaToken, 'sms').expect(202);
    expect(sms.received.filter((message) => message.to === oldPhone)).toHaveLength(before);
    expect(lastSmsTo(replacement)).toBeDefined();
  });

  it('when the account has no SMS factor, then asking for a texted code is refused', async () => {
    const enrolled = await enrolEmail(t, await registerOwner(t));
    const { mfaToken } = await challenge(t, enrolled);
    await send(t, mfaToken, 'sms').expect(409);
    await verify(t, mfaToken, 'sms', '123456').expect(401);
  });

  it('when the provider is down, then the answer is 503 and the enrolment waits', async () => {
    const owner = await registerOwner(t);
    sms.failWith = 500;
    const response = await request(t.app)
      .post('/auth/mfa/sms/setup')
      .set(bearer(owner.accessToken))
      .send({ password: owner.password, phone: newPhone() })
      .expect(503);
    expect(response.body).toMatchObject({ detail: expect.stringMatching(/SMS provider is unavailable/) as unknown });
    expect(JSON.stringify(response.body)).not.toContain('provider down');
  });

  it('when the number is not E.164, then it is refused', async () => {
    const owner = await registerOwner(t);
    await request(t.app)
      .post('/auth/mfa/sms/setup')
      .set(bearer(owner.accessToken))
      .send({ password: owner.password, phone: '555-1234; rm -rf /' })
      .expect(422);
  });
});

describe('several factors', () => {
  it('when factors are removed one by one, then the recovery codes go with the last', async () => {
    const phone = newPhone();
    const withEmail = await enrolEmail(t, await registerOwner(t));
    const both = await enrolSms(t, withEmail, phone);
    expect((await challenge(t, both)).methods).toEqual(['email', 'sms', 'recovery_code']);
    await request(t.app)
      .delete('/auth/mfa/email')
      .set(bearer(both.accessToken))
      .send({ password: strongPassword() })
      .expect(403);
    await request(t.app)
      .delete('/auth/mfa/email')
      .set(bearer(both.accessToken))
      .send({ password: both.password })
      .expect(204);
    expect((await challenge(t, both)).methods).toEqual(['sms', 'recovery_code']);
    await request(t.app)
      .delete('/auth/mfa/sms')
      .set(bearer(both.accessToken))
      .send({ password: both.password })
      .expect(204);
    await login(t, both)
      .expect(200)
      .expect((response) => {
        expect(response.body).toHaveProperty('accessToken');
      });
  });
});

describe('POST /auth/email/change', () => {
  it('when confirmed from the new mailbox, then the account moves, the old address is told, and every session ends', async () => {
    const owner = await registerOwner(t);
    const newEmail = uniqueEmail('moved');
    await request(t.app)
      .post('/auth/email/change')
      .set(bearer(owner.accessToken))
      .send({ password: owner.password, newEmail })
      .expect(202);
    expect(lastMailTo(t, owner.email, /being changed/)?.text).toContain(newEmail);
    // Nothing changes before the new address is proven.
    await login(t, owner).expect(200);
    await request(t.app)
      .post('/auth/email/change/confirm')
      .send({ token: lastMailTo(t, newEmail)?.token })
      .expect(204);
    await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(401);
    await login(t, owner).expect(401);
    await login(t, { ...owner, email: newEmail }).expect(200);
  });

  it('when the password is wrong, then nothing is sent', async () => {
    const owner = await registerOwner(t);
    const newEmail = uniqueEmail('hijack');
    await request(t.app)
      .post('/auth/email/change')
      .set(bearer(owner.accessToken))
      .send({ password: strongPassword(), newEmail })
      .expect(403);
    expect(lastMailTo(t, newEmail)).toBeUndefined();
  });

  it('when the link is used twice, then the second use is refused', async () => {
    const owner = await registerOwner(t);
    const newEmail = uniqueEmail('twice');
    await request(t.app)
      .post('/auth/email/change')
      .set(bearer(owner.accessToken))
      .send({ password: owner.password, newEmail })
      .expect(202);
    const token = lastMailTo(t, newEmail)?.token;
    await request(t.app).post('/auth/email/change/confirm').send({ token }).expect(204);
    await request(t.app).post('/auth/email/change/confirm').send({ token }).expect(400);
  });
});
