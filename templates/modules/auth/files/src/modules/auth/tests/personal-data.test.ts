import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { addMember, bearer, login, registerOwner, startAuthTestApp } from '../testing/auth-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startAuthTestApp();
});
afterAll(async () => {
  await t.close();
});

async function idOf(token: string): Promise<string> {
  const me = await request(t.app).get('/auth/me').set(bearer(token)).expect(200);
  return (me.body as { id: string }).id;
}

describe('auth in access and erasure requests', () => {
  it('when a member is exported, then their account, sessions and invitation are there and no secret is', async () => {
    const owner = await registerOwner(t);
    const member = await addMember(t, owner);
    await login(t, member).expect(200);
    const userId = await idOf(member.accessToken);
    const exported = await t.instance.context.personalData.exportSubject({ tenantId: member.tenantId, userId });
    const auth = exported.auth ?? expect.fail('auth exported nothing');
    expect(auth.account).toEqual([expect.objectContaining({ id: userId, email: member.email, role: 'member' })]);
    expect(auth.sessions).toHaveLength(2);
    expect(auth.emailedLinks).toEqual([expect.objectContaining({ purpose: 'invite', email: member.email })]);
    const text = JSON.stringify(exported);
    for (const secret of ['passwordHash', 'tokenHash', 'codeHash', 'secret"', '$argon2'])
      expect(text).not.toContain(secret);
    expect(text).not.toContain(await idOf(owner.accessToken));
  });

  it('when a member is erased, then every row of theirs goes, their live token stops at once, and the owner stays', async () => {
    const owner = await registerOwner(t);
    const member = await addMember(t, owner);
    await login(t, member).expect(200);
    const userId = await idOf(member.accessToken);
    const report = await t.instance.context.personalData.eraseSubject({ tenantId: member.tenantId, userId });
    expect(report.auth).toMatchObject({ account: 1, sessions: 2, refreshTokens: 2, emailedLinks: 1 });
    // The session list reads only the token's claims: it answers 401 because the token is revoked, not for want of rows.
    await request(t.app).get('/auth/sessions').set(bearer(member.accessToken)).expect(401);
    await login(t, member).expect(401);
    await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(200);
    const again = await t.instance.context.personalData.exportSubject({ tenantId: member.tenantId, userId });
    expect(again.auth).toMatchObject({ account: [], sessions: [], emailedLinks: [] });
    // Idempotent: a second request finds nothing and fails nothing.
    expect(
      (await t.instance.context.personalData.eraseSubject({ tenantId: member.tenantId, userId })).auth,
    ).toMatchObject({ account: 0 });
  });
});
