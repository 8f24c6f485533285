import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppModule, AuditRecord } from '../../core/index.js';
import type { TestApp } from '../../core/testing/test-app.js';
import { addMember, bearer, login, registerOwner, startAuthTestApp, strongPassword } from '../testing/auth-helpers.js';

const records: AuditRecord[] = [];
/** Keeps the audit trail as admin will: auth's events arrive through `context.audit`, not a hook of auth's own. */
const trailModule: AppModule = {
  name: 'test_audit_trail',
  setup: () => ({
    auditRecorder: {
      record: (record) => {
        records.push(record);
        return Promise.resolve();
      },
    },
  }),
};

let t: TestApp;
beforeAll(async () => {
  t = await startAuthTestApp({ modules: [trailModule] });
});
afterAll(async () => {
  await t.close();
});

async function idOf(token: string): Promise<string> {
  const me = await request(t.app).get('/auth/me').set(bearer(token)).expect(200);
  return (me.body as { id: string }).id;
}

describe('auth events on the audit trail', () => {
  it('when an owner registers and logs in, then both are recorded as their own acts', async () => {
    const owner = await registerOwner(t);
    const ownerId = await idOf(owner.accessToken);
    await login(t, owner).expect(200);
    const mine = records.filter((record) => record.tenantId === owner.tenantId);
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'auth.user.registered',
          outcome: 'success',
          actor: { type: 'user', id: ownerId },
          target: { type: 'user', id: ownerId },
        }),
        expect.objectContaining({
          action: 'auth.login.succeeded',
          outcome: 'success',
          actor: { type: 'user', id: ownerId },
        }),
      ]),
    );
  });

  it('when a login fails, then it is recorded as denied, with no actor and the client address', async () => {
    const owner = await registerOwner(t);
    await login(t, { ...owner, password: strongPassword() }).expect(401);
    const failed = records.filter(
      (record) => record.tenantId === owner.tenantId && record.action === 'auth.login.failed',
    );
    expect(failed).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        actor: null,
        ip: expect.stringMatching(/127\.0\.0\.1|::1/) as string,
      }),
    ]);
  });

  it('when an owner changes a member`s role, then the owner is the actor and the member the target', async () => {
    const owner = await registerOwner(t);
    const member = await addMember(t, owner);
    const [ownerId, memberId] = [await idOf(owner.accessToken), await idOf(member.accessToken)];
    await request(t.app)
      .patch(`/auth/users/${memberId}`)
      .set(bearer(owner.accessToken))
      .send({ role: 'admin' })
      .expect(200);
    expect(
      records.filter((record) => record.action === 'auth.user.role_changed' && record.tenantId === owner.tenantId),
    ).toEqual([
      expect.objectContaining({
        actor: { type: 'user', id: ownerId },
        target: { type: 'user', id: memberId },
        detail: { from: 'member', to: 'admin' },
      }),
    ]);
  });
});
