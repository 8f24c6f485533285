import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { User } from '../entities/user.entity.js';
import { ARGON2_OPTIONS } from '../passwords.js';
import {
  addMember,
  bearer,
  lastMailTo,
  login,
  registerOwner,
  startAuthTestApp,
  strongPassword,
  uniqueEmail,
} from '../testing/auth-helpers.js';
import { startFakeSmtp } from '../../core/testing/fake-smtp.js';
import argon2 from 'argon2';

let t: TestApp;
beforeAll(async () => {
  t = await startAuthTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('POST /auth/register', () => {
  it('when a new organisation registers, then it gets a tenant, an owner account and tokens', async () => {
    const owner = await registerOwner(t);
    const me = await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(200);
    expect(me.body).toMatchObject({
      email: owner.email,
      role: 'owner',
      tenantId: owner.tenantId,
      emailVerified: false,
    });
  });

  it.each([
    ['too short', 'short pass'],
    ['too long (over 128)', 'x'.repeat(60) + 'y'.repeat(69)],
    ['a common password', 'Password1234'],
    ['one repeated character', 'aaaaaaaaaaaaaaa'],
  ])('when the password is %s, then it is refused with 422 naming the field', async (_case, password) => {
    const response = await request(t.app)
      .post('/auth/register')
      .send({ email: uniqueEmail(), password, tenantName: 'X' })
      .expect(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ errors: [{ path: 'password' }] });
  });

  it('when the password has no digits, capitals or symbols but is long, then it is accepted (no composition rules)', async () => {
    await request(t.app)
      .post('/auth/register')
      .send({ email: uniqueEmail(), password: 'purple tiger sleeps under mango trees', tenantName: 'X' })
      .expect(201);
  });

  it('when the credentials are oversized or malformed, then it answers 422 without hashing', async () => {
    await request(t.app)
      .post('/auth/register')
      .send({ email: uniqueEmail(), password: 'p'.repeat(5000), tenantName: 'X' })
      .expect(422);
    await request(t.app)
      .post('/auth/register')
      .send({ email: 'not-an-email', password: strongPassword(), tenantName: 'X' })
      .expect(422);
    await request(t.app)
      .post('/auth/register')
      .send({ email: ['a@b.c'], password: { $gt: '' }, tenantName: 'X' })
      .expect(422);
  });

  it('when the body tries to choose its role or tenant, then those keys are ignored', async () => {
    const response = await request(t.app)
      .post('/auth/register')
      .send({ email: uniqueEmail(), password: strongPassword(), tenantName: 'X', role: 'admin', tenantId: 'victim' })
      .expect(201);
    const me = await request(t.app)
      .get('/auth/me')
      .set(bearer((response.body as { accessToken: string }).accessToken))
      .expect(200);
    expect(me.body).toMatchObject({ role: 'owner' });
    expect((me.body as { tenantId: string }).tenantId).not.toBe('victim');
  });

  it('when an invitation token is forged or reused, then registration is refused', async () => {
    const owner = await registerOwner(t);
    await request(t.app)
      .post('/auth/register')
      .send({ email: uniqueEmail(), password: strongPassword(), inviteToken: 'f'.repeat(43) })
      .expect(400);
    const member = await addMember(t, owner);
    const token = lastMailTo(t, member.email)?.token ?? '';
    await request(t.app)
      .post('/auth/register')
      .send({ email: member.email, password: strongPassword(), inviteToken: token })
      .expect(400);
  });

  it('when someone else uses an invitation sent to another address, then it is refused', async () => {
    const owner = await registerOwner(t);
    const invited = uniqueEmail();
    await request(t.app).post('/auth/invitations').set(bearer(owner.accessToken)).send({ email: invited }).expect(201);
    const token = lastMailTo(t, invited)?.token ?? '';
    await request(t.app)
      .post('/auth/register')
      .send({ email: uniqueEmail('thief'), password: strongPassword(), inviteToken: token })
      .expect(400);
  });
});

describe('registration modes', () => {
  it('when registration is closed, then nobody can register', async () => {
    const closed = await startAuthTestApp({ auth: { registration: 'closed' } });
    try {
      await request(closed.app)
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: strongPassword(), tenantName: 'X' })
        .expect(403);
    } finally {
      await closed.close();
    }
  });

  it('when registration is by invitation, then creating an organisation is refused', async () => {
    const invite = await startAuthTestApp({ auth: { registration: 'invite' } });
    try {
      await request(invite.app)
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: strongPassword(), tenantName: 'X' })
        .expect(403);
    } finally {
      await invite.close();
    }
  });
});

describe('POST /auth/login', () => {
  it('when the credentials are right, then it answers access and refresh tokens', async () => {
    const owner = await registerOwner(t);
    const response = await login(t, owner).expect(200);
    expect(response.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, tenantId: owner.tenantId });
    await request(t.app)
      .get('/auth/me')
      .set(bearer((response.body as { accessToken: string }).accessToken))
      .expect(200);
  });

  it('when the tenant comes from the tenant header instead of the body, then it works the same', async () => {
    const owner = await registerOwner(t);
    await request(t.app)
      .post('/auth/login')
      .set('x-tenant-id', owner.tenantId)
      .send({ email: owner.email, password: owner.password })
      .expect(200);
  });

  it('when the email is spelt with other case and spaces, then it is the same account', async () => {
    const owner = await registerOwner(t);
    await login(t, { ...owner, email: `  ${owner.email.toUpperCase()} ` }).expect(200);
  });

  it('when the password is wrong or the user unknown, then the answers are identical', async () => {
    const owner = await registerOwner(t);
    const wrong = await login(t, { ...owner, password: strongPassword() }).expect(401);
    const unknown = await login(t, { ...owner, email: uniqueEmail('nobody') }).expect(401);
    const badTenant = await login(t, { ...owner, tenantId: 'no-such-tenant' }).expect(401);
    const strip = (body: unknown) => ({ ...(body as object), requestId: undefined, instance: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(strip(wrong.body)).toEqual(strip(badTenant.body));
  });

  it('when the user has been disabled, then the right password gets the generic 401', async () => {
    const owner = await registerOwner(t);
    const member = await addMember(t, owner);
    await request(t.app).get('/auth/users').set(bearer(owner.accessToken)).expect(200);
    const row = await t.dataSource.getRepository(User).findOneByOrFail({ email: member.email });
    await request(t.app)
      .patch(`/auth/users/${row.id}`)
      .set(bearer(owner.accessToken))
      .send({ disabled: true })
      .expect(200);
    await login(t, member).expect(401);
  });

  it('when the account belongs to another tenant, then it cannot log in there (cross-tenant login)', async () => {
    const a = await registerOwner(t);
    const b = await registerOwner(t);
    await login(t, { ...a, tenantId: b.tenantId }).expect(401);
  });
});

describe('password hashing at production cost', () => {
  // The other tests hash cheaply (see auth-helpers); these check the parameters and timing production ships with.
  let production: TestApp;
  beforeAll(async () => {
    production = await startAuthTestApp({ productionPasswordHashing: true });
  });
  afterAll(async () => {
    await production.close();
  });

  it('when the password is stored, then it is an Argon2id hash and never sent back', async () => {
    const owner = await registerOwner(production);
    const row = await production.dataSource.getRepository(User).findOneByOrFail({ email: owner.email });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const me = await request(production.app).get('/auth/me').set(bearer(owner.accessToken)).expect(200);
    expect(JSON.stringify(me.body)).not.toContain('argon2');
  });

  it('when an unknown user and a wrong password are timed, then they take similar time (no enumeration)', async () => {
    const owner = await registerOwner(production);
    const time = async (email: string) => {
      const start = process.hrtime.bigint();
      await login(production, { ...owner, email, password: strongPassword() }).expect(401);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    await time(uniqueEmail('warm-up'));
    // Interleaved, and the fastest of each kind compared: load on the machine only ever adds time.
    for (let i = 0; i < 4; i++) {
      known.push(await time(owner.email));
      unknown.push(await time(uniqueEmail('ghost')));
    }
    const ratio = Math.min(...unknown) / Math.min(...known);
    // Without the dummy Argon2 check an unknown account answers ~20x faster; these bounds catch that, not noise.
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
  });

  it('when the stored hash uses weaker parameters, then a successful login re-hashes it', async () => {
    const owner = await registerOwner(production);
    const repository = production.dataSource.getRepository(User);
    const weak = await argon2.hash(owner.password, { ...ARGON2_OPTIONS, memoryCost: 8192, timeCost: 1 });
    await repository.update({ email: owner.email }, { passwordHash: weak });
    await login(production, owner).expect(200);
    const row = await repository.findOneByOrFail({ email: owner.email });
    expect(row.passwordHash).not.toBe(weak);
    expect(row.passwordHash).toContain('m=19456,t=2,p=1');
  });
});

describe('GET /auth/me', () => {
  it('when called without a token, then it answers 401 problem+json', async () => {
    const response = await request(t.app).get('/auth/me').expect(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });
});

describe('POST /auth/password', () => {
  it('when the current password is right, then it changes, other sessions end and this one stays', async () => {
    const owner = await registerOwner(t);
    const other = (await login(t, owner).expect(200)).body as { accessToken: string; refreshToken: string };
    const newPassword = strongPassword();
    await request(t.app)
      .post('/auth/password')
      .set(bearer(owner.accessToken))
      .send({ currentPassword: owner.password, newPassword })
      .expect(204);
    await request(t.app).get('/auth/me').set(bearer(other.accessToken)).expect(401);
    await request(t.app).post('/auth/refresh').send({ refreshToken: other.refreshToken }).expect(401);
    await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(200);
    await login(t, owner).expect(401);
    await login(t, { ...owner, password: newPassword }).expect(200);
  });

  it('when the current password is wrong, then it answers 403 and nothing changes', async () => {
    const owner = await registerOwner(t);
    await request(t.app)
      .post('/auth/password')
      .set(bearer(owner.accessToken))
      .send({ currentPassword: strongPassword(), newPassword: strongPassword() })
      .expect(403);
    await login(t, owner).expect(200);
  });

  it('when the new password breaks the policy, then it answers 422', async () => {
    const owner = await registerOwner(t);
    await request(t.app)
      .post('/auth/password')
      .set(bearer(owner.accessToken))
      .send({ currentPassword: owner.password, newPassword: 'qwerty123456' })
      .expect(422);
  });
});

describe('POST /auth/password/forgot and /auth/password/reset', () => {
  it('when a reset link is used, then the password changes, every session ends and the link is dead', async () => {
    const owner = await registerOwner(t);
    await request(t.app).post('/auth/password/forgot').send({ email: owner.email, tenant: owner.tenantId }).expect(202);
    const token = lastMailTo(t, owner.email, /Reset/)?.token ?? '';
    const newPassword = strongPassword();
    await request(t.app).post('/auth/password/reset').send({ token, newPassword }).expect(204);
    await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(401);
    await login(t, { ...owner, password: newPassword }).expect(200);
    await request(t.app).post('/auth/password/reset').send({ token, newPassword: strongPassword() }).expect(400);
  });

  it('when the account does not exist, then the answer is the same 202 and no mail is sent', async () => {
    const owner = await registerOwner(t);
    const ghost = uniqueEmail('ghost');
    const response = await request(t.app)
      .post('/auth/password/forgot')
      .send({ email: ghost, tenant: owner.tenantId })
      .expect(202);
    expect(response.text).toBe('');
    expect(lastMailTo(t, ghost)).toBeUndefined();
  });

  it('when the reset token is stored, then only its hash is in the database', async () => {
    const owner = await registerOwner(t);
    await request(t.app).post('/auth/password/forgot').send({ email: owner.email, tenant: owner.tenantId }).expect(202);
    const token = lastMailTo(t, owner.email, /Reset/)?.token ?? '';
    const rows: { tokenHash: string }[] = await t.dataSource.query('SELECT "tokenHash" FROM auth_one_time_tokens');
    expect(rows.some((row) => row.tokenHash === token)).toBe(false);
  });

  it('when the reset link has expired, then it is refused', async () => {
    const owner = await registerOwner(t);
    await request(t.app).post('/auth/password/forgot').send({ email: owner.email, tenant: owner.tenantId }).expect(202);
    const token = lastMailTo(t, owner.email, /Reset/)?.token ?? '';
    await t.dataSource.query(
      `UPDATE auth_one_time_tokens SET "expiresAt" = 1 WHERE "purpose" = 'reset' AND "email" = '${owner.email}'`,
    );
    await request(t.app).post('/auth/password/reset').send({ token, newPassword: strongPassword() }).expect(400);
  });

  it('when a reset token is guessed, then it is refused', async () => {
    await request(t.app)
      .post('/auth/password/reset')
      .send({ token: 'A'.repeat(43), newPassword: strongPassword() })
      .expect(400);
  });
});

describe('POST /auth/email/verify', () => {
  it('when the emailed link is used, then the address is verified, once', async () => {
    const owner = await registerOwner(t);
    const token = lastMailTo(t, owner.email, /Verify/)?.token ?? '';
    await request(t.app).post('/auth/email/verify').send({ token }).expect(204);
    const me = await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(200);
    expect(me.body).toMatchObject({ emailVerified: true });
    await request(t.app).post('/auth/email/verify').send({ token }).expect(400);
  });

  it('when a reset token is sent as a verification token, then it is refused (purpose-bound)', async () => {
    const owner = await registerOwner(t);
    await request(t.app).post('/auth/password/forgot').send({ email: owner.email, tenant: owner.tenantId }).expect(202);
    const token = lastMailTo(t, owner.email, /Reset/)?.token ?? '';
    await request(t.app).post('/auth/email/verify').send({ token }).expect(400);
  });
});

describe('POST /auth/email/verification', () => {
  it('when asked again, then a new link is sent', async () => {
    const owner = await registerOwner(t);
    const first = lastMailTo(t, owner.email, /Verify/)?.token;
    await request(t.app).post('/auth/email/verification').set(bearer(owner.accessToken)).expect(202);
    expect(lastMailTo(t, owner.email, /Verify/)?.token).not.toBe(first);
  });
});

describe('email verification required', () => {
  it('when require_verified_email is on, then login waits for verification', async () => {
    const strict = await startAuthTestApp({ auth: { requireVerifiedEmail: true } });
    try {
      const owner = await registerOwner(strict);
      await login(strict, owner).expect(403);
      const token = lastMailTo(strict, owner.email, /Verify/)?.token ?? '';
      await request(strict.app).post('/auth/email/verify').send({ token }).expect(204);
      await login(strict, owner).expect(200);
    } finally {
      await strict.close();
    }
  });
});

describe('account emails through the core mailer', () => {
  it('when MAIL_TRANSPORT is smtp, then the reset link goes out through the SMTP server', async () => {
    const smtp = await startFakeSmtp();
    const mailing = await startAuthTestApp({
      env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: smtp.url, MAIL_FROM: 'accounts@example.test' },
    });
    try {
      const owner = await registerOwner(mailing);
      await request(mailing.app)
        .post('/auth/password/forgot')
        .send({ email: owner.email, tenant: owner.tenantId })
        .expect(202);
      const mail = smtp.received.find(
        (message) => message.to.some((to) => to.includes(owner.email)) && message.data.includes('Reset your password'),
      );
      expect(mail?.from).toContain('accounts@example.test');
      // The body is quoted-printable: undo soft line breaks and the escaped '='.
      const body = (mail?.data ?? '').replace(/=\r\n/g, '').replace(/=3D/g, '=');
      expect(body).toMatch(new RegExp(`reset-password\\?token=${owner.tenantId}\\.[\\w-]{43}`));
    } finally {
      await mailing.close();
      await smtp.close();
    }
  });
});
