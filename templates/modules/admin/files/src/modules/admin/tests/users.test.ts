import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addMember, bearer, login, registerOwner, totpNow, type Account } from '../../auth/testing/auth-helpers.js';
import { startAdminTestApp, withMfa, type AdminTestApp } from '../testing/admin-helpers.js';

let t: AdminTestApp;
beforeAll(async () => {
  t = await startAdminTestApp();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.close();
});

type Admin = Account & { totpSecret: string };
interface UserBody {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
}
const idOf = async (account: Account) =>
  ((await request(t.app).get('/auth/me').set(bearer(account.accessToken)).expect(200)).body as { id: string }).id;

const post = (admin: Account, path: string, body: object) =>
  request(t.app).post(path).set('x-tenant-id', admin.tenantId).set(bearer(admin.accessToken)).send(body);
const grant = (admin: Account, userId: string, role: string) =>
  request(t.app)
    .put(`/admin/users/${userId}/role`)
    .set('x-tenant-id', admin.tenantId)
    .set(bearer(admin.accessToken))
    .send({ role, reason: 'needs it' });
const records = async (admin: Account, action: string) =>
  (
    (
      await request(t.app)
        .get('/admin/audit/records')
        .query({ action })
        .set('x-tenant-id', admin.tenantId)
        .set(bearer(admin.accessToken))
        .expect(200)
    ).body as { items: Record<string, unknown>[] }
  ).items;

/** A fresh second factor (step-up) on the admin's session: the login used this step's code. */
async function steppedUp(admin: Admin): Promise<Admin> {
  const response = await request(t.app)
    .post('/auth/mfa/step-up')
    .set(bearer(admin.accessToken))
    .send({ code: await totpNow(admin.totpSecret, 1) })
    .expect(200);
  return { ...admin, accessToken: (response.body as { accessToken: string }).accessToken };
}

describe('listing the tenant’s users (GET /admin/users)', () => {
  it('lists only the caller’s tenant, keyset-paginated, filtered by email and status', async () => {
    const owner = await registerOwner(t);
    const members = [await addMember(t, owner), await addMember(t, owner), await addMember(t, owner)];
    const admin = await withMfa(t, owner);
    const stranger = await registerOwner(t);
    const seen: UserBody[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = cursor === null ? { limit: '2' } : { limit: '2', cursor };
      const page = await request(t.app)
        .get('/admin/users')
        .query(query)
        .set('x-tenant-id', admin.tenantId)
        .set(bearer(admin.accessToken))
        .expect(200);
      const body = page.body as { items: UserBody[]; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor !== null);
    expect(seen.map((user) => user.email).sort()).toEqual([owner, ...members].map((a) => a.email).sort());
    expect(seen.map((user) => user.email)).not.toContain(stranger.email);

    const target = members[0] as Account;
    await post(admin, `/admin/users/${await idOf(target)}/disable`, { reason: 'left' }).expect(200);
    const byEmail = await request(t.app)
      .get('/admin/users')
      .query({ email: target.email.toUpperCase() })
      .set('x-tenant-id', admin.tenantId)
      .set(bearer(admin.accessToken))
      .expect(200);
    expect((byEmail.body as { items: UserBody[] }).items.map((user) => user.email)).toEqual([target.email]);
    const disabled = await request(t.app)
      .get('/admin/users')
      .query({ status: 'disabled' })
      .set('x-tenant-id', admin.tenantId)
      .set(bearer(admin.accessToken))
      .expect(200);
    expect((disabled.body as { items: UserBody[] }).items.map((user) => user.email)).toEqual([target.email]);
    await request(t.app)
      .get('/admin/users')
      .query({ status: 'deleted', limit: '1000000000' })
      .set('x-tenant-id', admin.tenantId)
      .set(bearer(admin.accessToken))
      .expect(422);
  });
});

describe('disabling, enabling and logging out a user', () => {
  it('disable ends the user’s live access token and refresh at once, and is recorded with before/after and reason', async () => {
    const owner = await registerOwner(t);
    const member = await addMember(t, owner);
    const memberId = await idOf(member);
    const admin = await withMfa(t, owner);
    const response = await post(admin, `/admin/users/${memberId}/disable`, { reason: 'ticket 42' }).expect(200);
    expect(response.body).toMatchObject({ id: memberId, disabled: true });
    await request(t.app).get('/auth/me').set(bearer(member.accessToken)).expect(401);
    await request(t.app).post('/auth/refresh').send({ refreshToken: member.refreshToken }).expect(401);
    await login(t, member).expect(401);
    const [record] = await records(admin, 'admin.user.disabled');
    expect(record).toMatchObject({
      outcome: 'success',
      target: { type: 'user', id: memberId },
      changes: { disabled: { before: false, after: true } },
      reason: 'ticket 42',
      requestId: response.headers['x-request-id'],
    });

    await post(admin, `/admin/users/${memberId}/enable`, { reason: 'back' }).expect(200);
    await login(t, member).expect(200);
    expect(await records(admin, 'admin.user.enabled')).toHaveLength(1);
  });

  it('force logout ends every session of the user, who may log in again', async () => {
    const owner = await registerOwner(t);
    const member = await addMember(t, owner);
    const admin = await withMfa(t, owner);
    await post(admin, `/admin/users/${await idOf(member)}/logout`, { reason: 'lost laptop' }).expect(200);
    await request(t.app).get('/auth/me').set(bearer(member.accessToken)).expect(401);
    await request(t.app).post('/auth/refresh').send({ refreshToken: member.refreshToken }).expect(401);
    await login(t, member).expect(200);
    expect(await records(admin, 'admin.user.logged_out')).toHaveLength(1);
  });

  it('without a reason, then 422 and nothing changes', async () => {
    const owner = await registerOwner(t);
    const member = await addMember(t, owner);
    const admin = await withMfa(t, owner);
    await post(admin, `/admin/users/${await idOf(member)}/disable`, {}).expect(422);
    await post(admin, `/admin/users/${await idOf(member)}/disable`, { reason: '   ' }).expect(422);
    await request(t.app).get('/auth/me').set(bearer(member.accessToken)).expect(200);
  });
});

describe('attacks on user management', () => {
  it('an id of another tenant’s user answers 404 on every act and changes nothing there', async () => {
    const owner = await registerOwner(t);
    const admin = await steppedUp(await withMfa(t, owner));
    const other = await registerOwner(t);
    const victim = await addMember(t, other);
    const victimId = await idOf(victim);
    for (const act of ['disable', 'enable', 'logout', 'role/revoke']) {
      await post(admin, `/admin/users/${victimId}/${act}`, { reason: 'x' }).expect(404);
    }
    await grant(admin, victimId, 'admin').expect(404);
    await post(admin, `/admin/users/${randomUUID()}/disable`, { reason: 'x' }).expect(404);
    await request(t.app).get('/auth/me').set(bearer(victim.accessToken)).expect(200);
  });

  it('a member’s token, even with MFA, is refused (403)', async () => {
    const owner = await registerOwner(t);
    const member = await withMfa(t, await addMember(t, owner));
    const ownerId = await idOf(owner);
    await post(member, `/admin/users/${ownerId}/disable`, { reason: 'coup' }).expect(403);
    await grant(member, await idOf(member), 'owner').expect(403);
    await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(200);
  });

  it('a role grant or revoke without a recent second factor answers 401 step-up-required', async () => {
    const owner = await registerOwner(t);
    const member = await addMember(t, owner);
    const admin = await withMfa(t, owner);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60_000 });
    try {
      const response = await grant(admin, await idOf(member), 'admin').expect(401);
      expect(response.body).toMatchObject({ type: 'urn:problem:step-up-required' });
      await post(admin, `/admin/users/${await idOf(member)}/role/revoke`, { reason: 'x' }).expect(401);
    } finally {
      vi.useRealTimers();
    }
    expect(await records(admin, 'admin.user.role_granted')).toHaveLength(0);
  });

  it('an admin cannot grant a role above their own, nor act on an owner', async () => {
    const owner = await registerOwner(t);
    const member = await addMember(t, owner);
    const admin = await steppedUp(await withMfa(t, await addMember(t, owner, 'admin')));
    await grant(admin, await idOf(member), 'owner').expect(403);
    await grant(admin, await idOf(admin), 'owner').expect(403);
    await post(admin, `/admin/users/${await idOf(owner)}/disable`, { reason: 'x' }).expect(403);
    await post(admin, `/admin/users/${await idOf(owner)}/role/revoke`, { reason: 'x' }).expect(403);
    await grant(admin, await idOf(member), 'no-such-role').expect(422);
    const granted = await grant(admin, await idOf(member), 'admin').expect(200);
    expect(granted.body).toMatchObject({ role: 'admin' });
    // The member's token carried the old role: it stopped.
    await request(t.app).get('/auth/me').set(bearer(member.accessToken)).expect(401);
    const [record] = await records(admin, 'admin.user.role_granted');
    expect(record).toMatchObject({ changes: { role: { before: 'member', after: 'admin' } }, reason: 'needs it' });
  });

  it('the last owner cannot be removed; with a second owner, an owner may step down', async () => {
    const owner = await registerOwner(t);
    const admin = await steppedUp(await withMfa(t, owner));
    const ownerId = await idOf(owner);
    await grant(admin, ownerId, 'admin').expect(409);
    await post(admin, `/admin/users/${ownerId}/role/revoke`, { reason: 'x' }).expect(409);
    await post(admin, `/admin/users/${ownerId}/disable`, { reason: 'x' }).expect(403);
    const second = await addMember(t, owner);
    await grant(admin, await idOf(second), 'owner').expect(200);
    await grant(admin, ownerId, 'admin').expect(200);
  });

  it('when the audit record fails, the act rolls back with it: neither the change nor the record remains', async () => {
    const owner = await registerOwner(t);
    const member = await addMember(t, owner);
    const memberId = await idOf(member);
    const admin = await withMfa(t, owner);
    const original = t.audit.record.bind(t.audit);
    const spy = vi.spyOn(t.audit, 'record').mockImplementation(async (event, options) => {
      // The record is written in the act's transaction, then the act fails after it.
      await original(event, options);
      if (event.action === 'admin.user.disabled') throw new Error('forced failure after the record');
    });
    try {
      await post(admin, `/admin/users/${memberId}/disable`, { reason: 'rollback' }).expect(500);
      expect(spy).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'admin.user.disabled' }),
        expect.objectContaining({ manager: expect.anything() as unknown }),
      );
    } finally {
      spy.mockRestore();
    }
    const listed = await request(t.app)
      .get('/admin/users')
      .query({ email: member.email })
      .set('x-tenant-id', admin.tenantId)
      .set(bearer(admin.accessToken))
      .expect(200);
    expect((listed.body as { items: UserBody[] }).items[0]).toMatchObject({ disabled: false });
    expect(await records(admin, 'admin.user.disabled')).toHaveLength(0);
    const verify = await request(t.app)
      .get('/admin/audit/verify')
      .set('x-tenant-id', admin.tenantId)
      .set(bearer(admin.accessToken))
      .expect(200);
    expect(verify.body).toMatchObject({ ok: true });
  });
});
