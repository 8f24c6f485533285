import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { codeIn } from '../testing/fake-sms.js';
import { addMember, bearer, lastMailTo, login, registerOwner, startAuthTestApp, strongPassword } from '../testing/auth-helpers.js';
import { stepAt, totpCode } from '../totp.js';

const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') === true;

/**
 * Behind the second wall every auth query must name its tenant: the app connects as a role that neither owns
 * the tables nor bypasses row-level security, so a lookup that forgets the tenant finds nothing and breaks the
 * flow. Each account flow runs here end to end.
 */
describe.skipIf(!onPostgres)('auth behind PostgreSQL row-level security', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startAuthTestApp({ rowLevelSecurity: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('when an owner registers, logs in, refreshes and logs out, then every step works and a replayed refresh token is refused', async () => {
    const owner = await registerOwner(t);
    const logged = await login(t, owner).expect(200);
    const { refreshToken } = logged.body as { refreshToken: string };
    const refreshed = await request(t.app).post('/auth/refresh').send({ refreshToken }).expect(200);
    await request(t.app).post('/auth/refresh').send({ refreshToken }).expect(401);
    // The replay revoked the family, so the rotated token is dead too.
    await request(t.app).post('/auth/refresh').send({ refreshToken: (refreshed.body as { refreshToken: string }).refreshToken }).expect(401);
    await request(t.app).get('/auth/sessions').set(bearer(owner.accessToken)).expect(200);
    await request(t.app).post('/auth/logout').set(bearer(owner.accessToken)).expect(204);
    await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(401);
  });

  it('when a member is invited, verifies nothing and resets the password, then the links work once', async () => {
    const owner = await registerOwner(t);
    const member = await addMember(t, owner, 'member');
    await request(t.app).post('/auth/email/verify').send({ token: lastMailTo(t, owner.email, /Verify/)?.token }).expect(204);
    await request(t.app).post('/auth/password/forgot').send({ email: member.email, tenant: member.tenantId }).expect(202);
    const token = lastMailTo(t, member.email, /Reset/)?.token;
    const newPassword = strongPassword();
    await request(t.app).post('/auth/password/reset').send({ token, newPassword }).expect(204);
    await request(t.app).post('/auth/password/reset').send({ token, newPassword: strongPassword() }).expect(400);
    await login(t, { ...member, password: newPassword }).expect(200);
  });

  it('when TOTP and email codes are enrolled, then login completes with each, and a TOTP step is not accepted twice', async () => {
    const owner = await registerOwner(t);
    const setup = await request(t.app).post('/auth/mfa/totp/setup').set(bearer(owner.accessToken)).send({ password: owner.password }).expect(200);
    const { secret } = setup.body as { secret: string };
    await request(t.app).post('/auth/mfa/totp/confirm').set(bearer(owner.accessToken)).send({ code: totpCode(secret, stepAt(Date.now()) - 1) }).expect(200);
    await request(t.app).post('/auth/mfa/email/setup').set(bearer(owner.accessToken)).send({ password: owner.password }).expect(202);
    await request(t.app).post('/auth/mfa/email/confirm').set(bearer(owner.accessToken)).send({ code: codeIn(lastMailTo(t, owner.email, /verification code/)?.text) }).expect(200);

    const first = (await login(t, owner).expect(200)).body as { mfaToken: string; methods: string[] };
    expect(first.methods).toEqual(['totp', 'email', 'recovery_code']);
    const code = totpCode(secret, stepAt(Date.now()));
    await request(t.app).post('/auth/mfa/verify').send({ mfaToken: first.mfaToken, code }).expect(200);
    const second = (await login(t, owner).expect(200)).body as { mfaToken: string };
    await request(t.app).post('/auth/mfa/verify').send({ mfaToken: second.mfaToken, code }).expect(401);
    await request(t.app).post('/auth/mfa/challenge').send({ mfaToken: second.mfaToken, method: 'email' }).expect(202);
    await request(t.app).post('/auth/mfa/verify').send({ mfaToken: second.mfaToken, method: 'email', code: codeIn(lastMailTo(t, owner.email, /verification code/)?.text) }).expect(200);
  });

  it('when another tenant logs in with the same email, then each sees only its own account', async () => {
    const a = await registerOwner(t);
    const b = await registerOwner(t, { email: a.email });
    const meA = await request(t.app).get('/auth/me').set(bearer(a.accessToken)).expect(200);
    const meB = await request(t.app).get('/auth/me').set(bearer(b.accessToken)).expect(200);
    expect((meA.body as { tenantId: string }).tenantId).not.toBe((meB.body as { tenantId: string }).tenantId);
    await request(t.app).get('/auth/users').set(bearer(a.accessToken)).expect(200).expect((response) => {
      const users = (response.body as { items: { tenantId: string }[] }).items;
      expect(users.every((user) => user.tenantId === a.tenantId)).toBe(true);
    });
  });

  it('when an owner defines a role and invites with it, then the holder gets it and another tenant sees none of it', async () => {
    const owner = await registerOwner(t);
    // A member's permissions (every module's reads among them) beside the invitation right: nobody hands out a
    // role holding more than their own, so an inviter who holds less than a member could not invite one.
    const builtIn = await request(t.app).get('/auth/roles').set(bearer(owner.accessToken)).expect(200);
    const member = (builtIn.body as { items: { name: string; permissions: string[] }[] }).items.find((role) => role.name === 'member');
    const permissions = [...(member?.permissions ?? []), 'auth:users:invite'];
    await request(t.app).post('/auth/roles').set(bearer(owner.accessToken)).send({ name: 'inviter', permissions }).expect(201);
    const email = `inviter-${owner.tenantId}@example.com`;
    await request(t.app).post('/auth/invitations').set(bearer(owner.accessToken)).send({ email, role: 'inviter' }).expect(201);
    const joined = await request(t.app).post('/auth/register').send({ email, password: strongPassword(), inviteToken: lastMailTo(t, email)?.token }).expect(201);
    const inviter = (joined.body as { accessToken: string }).accessToken;
    await request(t.app).post('/auth/invitations').set(bearer(inviter)).send({ email: `x-${email}`, role: 'member' }).expect(201);
    const other = await registerOwner(t);
    const response = await request(t.app).get('/auth/roles').set(bearer(other.accessToken)).expect(200);
    const roles = response.body as { items: { name: string }[] };
    expect(roles.items.map((role) => role.name)).toEqual(['member', 'admin', 'owner']);
  });
});
