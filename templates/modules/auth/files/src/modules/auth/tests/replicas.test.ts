import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { addMember, bearer, login, registerOwner, startAuthTestApp, strongPassword } from '../testing/auth-helpers.js';

/*
 * Two replicas of one app: the same database (PostgreSQL's, or one SQLite file), the same secrets, the same Redis.
 * What one replica decides (a logout, a lockout) must hold on the other at once.
 */
describe.skipIf(process.env.REDIS_URL === undefined)('auth across two replicas sharing Redis', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    const shared = {
      APP_SECRET: randomBytes(32).toString('base64url'),
      SQLITE_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'auth-replicas-')), 'app.sqlite'),
      REDIS_URL: process.env.REDIS_URL,
    };
    first = await startAuthTestApp({ env: shared, auth: { lockoutThreshold: 4 } });
    second = await startAuthTestApp({ env: shared, auth: { lockoutThreshold: 4 } });
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  it('when a session logs out on one replica, then its access token stops on the other at once', async () => {
    const owner = await registerOwner(first);
    await request(second.app).get('/auth/me').set(bearer(owner.accessToken)).expect(200);
    await request(first.app).post('/auth/logout').set(bearer(owner.accessToken)).send({}).expect(204);
    await request(second.app).get('/auth/me').set(bearer(owner.accessToken)).expect(401);
  });

  it('when a user logs out everywhere on one replica, then every token of theirs stops on the other', async () => {
    const owner = await registerOwner(first);
    const other = (await login(second, owner).expect(200)).body as { accessToken: string };
    await request(first.app).post('/auth/logout-all').set(bearer(owner.accessToken)).send({}).expect(204);
    await request(second.app).get('/auth/me').set(bearer(other.accessToken)).expect(401);
    await request(second.app).get('/auth/me').set(bearer(owner.accessToken)).expect(401);
  });

  it('when a role’s permissions change on one replica, then its holders’ tokens stop on the other', async () => {
    const owner = await registerOwner(first);
    await request(first.app)
      .post('/auth/roles')
      .set(bearer(owner.accessToken))
      .send({ name: 'helper', permissions: ['auth:users:read'] })
      .expect(201);
    const helper = await addMember(first, owner, 'helper');
    await request(second.app).get('/auth/users').set(bearer(helper.accessToken)).expect(200);
    const change = { permissions: [] };
    await request(first.app).patch('/auth/roles/helper').set(bearer(owner.accessToken)).send(change).expect(200);
    await request(second.app).get('/auth/users').set(bearer(helper.accessToken)).expect(401);
    const refresh = await request(second.app).post('/auth/refresh').send({ refreshToken: helper.refreshToken });
    const renewed = refresh.body as { accessToken: string };
    await request(second.app).get('/auth/users').set(bearer(renewed.accessToken)).expect(403);
  });

  it('when failed logins are spread over both replicas, then they add up to one lockout', async () => {
    const owner = await registerOwner(first);
    for (const replica of [first, second, first, second])
      await login(replica, { ...owner, password: strongPassword() }).expect(401);
    // Locked on both: even the right password gets the generic 401.
    await login(first, owner).expect(401);
    await login(second, owner).expect(401);
  });
});
