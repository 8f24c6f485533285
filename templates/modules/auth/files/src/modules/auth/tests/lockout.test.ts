import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppModule } from '../../core/index.js';
import type { TestApp } from '../../core/testing/test-app.js';
import type { AuthEvent } from '../events.js';
import { User } from '../entities/user.entity.js';
import {
  bearer,
  login,
  registerOwner,
  startAuthTestApp,
  strongPassword,
  uniqueEmail,
} from '../testing/auth-helpers.js';

const events: AuthEvent[] = [];
/** A module that keeps an audit trail through the onAuthEvent hook. */
const auditModule: AppModule = {
  name: 'test_audit',
  setup: () => ({
    hooks: {
      onAuthEvent: (event) => {
        events.push(event);
        return Promise.resolve();
      },
    },
  }),
};

let t: TestApp;
beforeAll(async () => {
  t = await startAuthTestApp({ auth: { lockoutThreshold: 3, lockoutWindowSeconds: 2 }, modules: [auditModule] });
});
afterAll(async () => {
  await t.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('account lockout', () => {
  it('when the threshold is reached, then even the right password gets the same generic 401', async () => {
    const owner = await registerOwner(t);
    const wrong = await login(t, { ...owner, password: strongPassword() }).expect(401);
    for (let i = 0; i < 2; i++) await login(t, { ...owner, password: strongPassword() }).expect(401);
    const locked = await login(t, owner).expect(401);
    expect(locked.body).toMatchObject({
      title: (wrong.body as { title: string }).title,
      detail: (wrong.body as { detail: string }).detail,
    });
    expect(events.some((event) => event.type === 'account.locked' && event.tenantId === owner.tenantId)).toBe(true);
  });

  it('when the identifier is spelt with other case and spaces, then failures count for the same account', async () => {
    const owner = await registerOwner(t);
    await login(t, { ...owner, email: owner.email.toUpperCase(), password: strongPassword() }).expect(401);
    await login(t, { ...owner, email: ` ${owner.email} `, password: strongPassword() }).expect(401);
    await login(t, {
      ...owner,
      email: `${owner.email.slice(0, 3).toUpperCase()}${owner.email.slice(3)}`,
      password: strongPassword(),
    }).expect(401);
    await login(t, owner).expect(401);
  });

  it('when an unknown account is hammered, then it locks the same way (no enumeration through lockout)', async () => {
    const owner = await registerOwner(t);
    const ghost = uniqueEmail('ghost');
    for (let i = 0; i < 4; i++) await login(t, { ...owner, email: ghost, password: strongPassword() }).expect(401);
    expect(
      events.some(
        (event) => event.type === 'account.locked' && event.userId === undefined && event.tenantId === owner.tenantId,
      ),
    ).toBe(true);
  });

  it('when an admin unlocks the account, then it works at once and the unlock is recorded', async () => {
    const owner = await registerOwner(t);
    const second = await registerOwner(t);
    for (let i = 0; i < 3; i++) await login(t, { ...owner, password: strongPassword() }).expect(401);
    await login(t, owner).expect(401);
    // The owner unlocks through a session that predates the lock.
    const row = await t.dataSource.getRepository(User).findOneByOrFail({ email: owner.email });
    await request(t.app).post(`/auth/users/${row.id}/unlock`).set(bearer(second.accessToken)).expect(404);
    await request(t.app).post(`/auth/users/${row.id}/unlock`).set(bearer(owner.accessToken)).expect(204);
    await login(t, owner).expect(200);
    expect(events.some((event) => event.type === 'account.unlocked' && event.userId === row.id)).toBe(true);
  });
});

describe('account lockout expiry', () => {
  // The shortest window, 1 s, so these wait as little as they can; they run side by side on separate accounts, so
  // the file waits once. Each sleep outlasts a lock by 300 ms, and is 700 ms short of the doubled one.
  let quick: TestApp;
  beforeAll(async () => {
    quick = await startAuthTestApp({ auth: { lockoutThreshold: 3, lockoutWindowSeconds: 1 }, modules: [auditModule] });
  });
  afterAll(async () => {
    await quick.close();
  });

  it.concurrent('when the lock expires, then the right password works again', async () => {
    const owner = await registerOwner(quick);
    for (let i = 0; i < 3; i++) await login(quick, { ...owner, password: strongPassword() }).expect(401);
    await login(quick, owner).expect(401);
    await sleep(1300);
    await login(quick, owner).expect(200);
  });

  it.concurrent(
    'when the account locks again after a lock expired, then the second lock lasts longer (growing back-off)',
    async () => {
      const owner = await registerOwner(quick);
      for (let i = 0; i < 3; i++) await login(quick, { ...owner, password: strongPassword() }).expect(401);
      await sleep(1300);
      for (let i = 0; i < 3; i++) await login(quick, { ...owner, password: strongPassword() }).expect(401);
      await sleep(1300);
      await login(quick, owner).expect(401);
      const locks = events
        .filter((event) => event.type === 'account.locked' && event.tenantId === owner.tenantId)
        .map((event) => event.detail?.seconds);
      expect(locks).toEqual([1, 2]);
    },
  );
});
