import request from 'supertest';
import { IsNull } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute, type AppModule } from '../../core/index.js';
import type { TestApp } from '../../core/testing/test-app.js';
import { Session } from '../entities/session.entity.js';
import { User } from '../entities/user.entity.js';
import {
  bearer,
  login,
  registerOwner,
  startAuthTestApp,
  strongPassword,
  type Account,
} from '../testing/auth-helpers.js';
import { appTokens, insertSessions, insertUsers } from '../testing/bulk.js';
import type { AccessTokens } from '../tokens.js';

/*
 * Operations on "all of X" act on all of X: more sessions and role holders than any page or batch size (1,005),
 * each with a live access token, and every one of them stops.
 */

const MANY = 1005;

const ledgerModule: AppModule = {
  name: 'test_ledger',
  permissions: [{ name: 'ledger:read', description: 'Read the ledger' }],
  setup: () => ({
    routes: [
      defineRoute({
        method: 'get',
        path: '/test-ledger',
        summary: 'Read the ledger',
        permission: 'ledger:read',
        responses: { 200: { description: 'ok', schema: z.object({ ok: z.boolean() }) } },
        handler: () => ({ ok: true }),
      }),
    ],
  }),
};

let t: TestApp;
let tokens: AccessTokens;
beforeAll(async () => {
  t = await startAuthTestApp({ modules: [ledgerModule] });
  tokens = appTokens(t);
});
afterAll(async () => {
  await t.close();
});

const idOf = async (account: Account) =>
  (await t.dataSource.getRepository(User).findOneByOrFail({ email: account.email })).id;
const liveSessions = (userId: string) => t.dataSource.getRepository(Session).countBy({ userId, revokedAt: IsNull() });

/**
 * The answers of `path` for every 40th token and the last ones: a token's fate rests on one revocation entry (the
 * database counts prove every session ended), so a spread of them shows it without 1,005 requests per check.
 */
async function statuses(path: string, accessTokens: readonly string[]): Promise<Set<number>> {
  const sample = accessTokens.filter((_, i) => i % 40 === 0 || i >= accessTokens.length - 3);
  const responses = await Promise.all(sample.map((token) => request(t.app).get(path).set(bearer(token))));
  return new Set(responses.map((response) => response.status));
}

/** The owner with MANY - 1 more live sessions (bulk), each with an access token signed as a login would. */
async function ownerWithManySessions(): Promise<{ owner: Account; userId: string; accessTokens: string[] }> {
  const owner = await registerOwner(t);
  const userId = await idOf(owner);
  const ids = await insertSessions(t, owner.tenantId, userId, MANY - 1);
  const accessTokens = await Promise.all(
    ids.map((sid) => tokens.sign({ sub: userId, tenant: owner.tenantId, role: 'owner', sid, mfa: false })),
  );
  expect(await liveSessions(userId)).toBe(MANY);
  expect(await statuses('/auth/me', accessTokens)).toEqual(new Set([200]));
  return { owner, userId, accessTokens };
}

describe('POST /auth/password with 1,005 sessions', () => {
  it('when the password changes, then every other session ends and every one of their tokens stops', async () => {
    const { owner, userId, accessTokens } = await ownerWithManySessions();
    const newPassword = strongPassword();
    await request(t.app)
      .post('/auth/password')
      .set(bearer(owner.accessToken))
      .send({ currentPassword: owner.password, newPassword })
      .expect(204);
    expect(await liveSessions(userId)).toBe(1);
    expect(await statuses('/auth/me', accessTokens)).toEqual(new Set([401]));
    await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(200);
    // A login right after (within the same second) is a new session, untouched by the revocation.
    const fresh = (await login(t, { ...owner, password: newPassword }).expect(200)).body as { accessToken: string };
    await request(t.app).get('/auth/me').set(bearer(fresh.accessToken)).expect(200);
  });
});

describe('POST /auth/logout-all with 1,005 sessions', () => {
  it('when the user logs out everywhere, then all 1,005 sessions end and every token stops', async () => {
    const { owner, userId, accessTokens } = await ownerWithManySessions();
    await request(t.app).post('/auth/logout-all').set(bearer(owner.accessToken)).expect(204);
    expect(await liveSessions(userId)).toBe(0);
    expect(await statuses('/auth/me', [...accessTokens, owner.accessToken])).toEqual(new Set([401]));
    await request(t.app).post('/auth/refresh').send({ refreshToken: owner.refreshToken }).expect(401);
  });
});

describe('PATCH /auth/users/:id disabled, with 1,005 sessions', () => {
  it('when an owner disables the account, then all of its sessions end and every token stops', async () => {
    const owner = await registerOwner(t);
    const victimId = (await insertUsers(t, owner.tenantId, 'member', 1))[0] ?? '';
    const ids = await insertSessions(t, owner.tenantId, victimId, MANY);
    const victimTokens = await Promise.all(
      ids.map((sid) => tokens.sign({ sub: victimId, tenant: owner.tenantId, role: 'member', sid, mfa: false })),
    );
    expect(await statuses('/auth/me', victimTokens)).toEqual(new Set([200]));
    await request(t.app)
      .patch(`/auth/users/${victimId}`)
      .set(bearer(owner.accessToken))
      .send({ disabled: true })
      .expect(200);
    expect(await liveSessions(victimId)).toBe(0);
    expect(await statuses('/auth/me', victimTokens)).toEqual(new Set([401]));
  });
});

describe('PATCH /auth/roles/:name with 1,005 holders', () => {
  it('when the role loses a permission, then every holder loses it on the next request', async () => {
    const owner = await registerOwner(t);
    await request(t.app)
      .post('/auth/roles')
      .set(bearer(owner.accessToken))
      .send({ name: 'clerk', permissions: ['ledger:read'] })
      .expect(201);
    const holders = await insertUsers(t, owner.tenantId, 'clerk', MANY);
    const holderTokens = await Promise.all(
      holders.map((sub, i) =>
        tokens.sign({
          sub,
          tenant: owner.tenantId,
          role: 'clerk',
          perms: ['ledger:read'],
          sid: `bulk-session-${String(i)}`,
          mfa: false,
        }),
      ),
    );
    expect(await statuses('/test-ledger', holderTokens)).toEqual(new Set([200]));
    await request(t.app)
      .patch('/auth/roles/clerk')
      .set(bearer(owner.accessToken))
      .send({ permissions: [] })
      .expect(200);
    expect(await statuses('/test-ledger', holderTokens)).toEqual(new Set([401]));
    // Another tenant's role of the same name is not touched.
    const other = await registerOwner(t);
    await request(t.app)
      .post('/auth/roles')
      .set(bearer(other.accessToken))
      .send({ name: 'clerk', permissions: ['ledger:read'] })
      .expect(201);
    const theirs = await tokens.sign({
      sub: (await insertUsers(t, other.tenantId, 'clerk', 1))[0] ?? '',
      tenant: other.tenantId,
      role: 'clerk',
      perms: ['ledger:read'],
      sid: 'theirs',
      mfa: false,
    });
    await request(t.app).get('/test-ledger').set(bearer(theirs)).expect(200);
  });
});
