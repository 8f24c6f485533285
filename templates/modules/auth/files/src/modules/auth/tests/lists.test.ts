import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { Session } from '../entities/session.entity.js';
import { User } from '../entities/user.entity.js';
import { bearer, registerOwner, startAuthTestApp, type Account } from '../testing/auth-helpers.js';
import { insertSessions, insertUsers } from '../testing/bulk.js';

/* Every list of auth pages with core's keyset cursor: limit 1–100, else 400; every row exactly once. */

let t: TestApp;
let owner: Account;
beforeAll(async () => {
  t = await startAuthTestApp();
  owner = await registerOwner(t);
});
afterAll(async () => {
  await t.close();
});

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const list = (as: Account, path: string, query: Record<string, string> = {}) =>
  request(t.app).get(path).query(query).set(bearer(as.accessToken));

/** Walks `path` page by page, running `between` alongside each page request; returns every item read. */
async function walk<T>(
  as: Account,
  path: string,
  limit: number,
  between: (round: number) => Promise<unknown> = () => Promise.resolve(),
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  let round = 0;
  do {
    const query: Record<string, string> = { limit: String(limit), ...(cursor === null ? {} : { cursor }) };
    const [response] = await Promise.all([list(as, path, query).expect(200), between(round)]);
    const page = response.body as Page<T>;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
    round += 1;
  } while (cursor !== null && round < 200);
  return items;
}

const idOf = async (account: Account) =>
  (await t.dataSource.getRepository(User).findOneByOrFail({ email: account.email })).id;

describe('GET /auth/users', () => {
  it('when walked page by page while accounts are added, then every account comes back exactly once', async () => {
    const admin = await registerOwner(t);
    await insertUsers(t, admin.tenantId, 'member', 130);
    const before = (await t.dataSource.getRepository(User).findBy({ tenantId: admin.tenantId })).map((user) => user.id);
    const seen = await walk<{ id: string }>(admin, '/auth/users', 25, () =>
      insertUsers(t, admin.tenantId, 'member', 3),
    );
    const ids = seen.map((user) => user.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(before));
  });

  it('when limit is 0, 101, -1 or abc, or the cursor is tampered with, then 400 problem', async () => {
    for (const limit of ['0', '101', '-1', 'abc']) {
      const response = await list(owner, '/auth/users', { limit }).expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    await insertUsers(t, owner.tenantId, 'member', 2);
    const cursor =
      ((await list(owner, '/auth/users', { limit: '1' }).expect(200)).body as Page<unknown>).nextCursor ?? '';
    await list(owner, '/auth/users', { limit: '1', cursor }).expect(200);
    const [listName, tenant, email, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as string[];
    const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const tampered of [
      `${cursor}x`,
      forge([listName, tenant, 7, id]),
      forge([listName, tenant, { gt: email }, id]),
      forge(['auth.sessions', tenant, email, id]),
    ]) {
      await list(owner, '/auth/users', { cursor: tampered }).expect(400);
    }
    // Another tenant's cursor positions nothing here.
    await list(await registerOwner(t), '/auth/users', { cursor }).expect(400);
    // A cursor of the user list is no cursor of the session list.
    await list(owner, '/auth/sessions', { cursor }).expect(400);
  });
});

describe('GET /auth/sessions', () => {
  it('when there are more live sessions than a page, then the walk returns each once, newest first', async () => {
    const account = await registerOwner(t);
    const userId = await idOf(account);
    const ids = await insertSessions(t, account.tenantId, userId, 45);
    const [ended, expired] = ids;
    await t.dataSource.getRepository(Session).update({ id: ended ?? '' }, { revokedAt: Date.now() });
    await t.dataSource.getRepository(Session).update({ id: expired ?? '' }, { expiresAt: Date.now() - 1 });
    const seen = await walk<{ id: string; current: boolean }>(account, '/auth/sessions', 10);
    expect(seen).toHaveLength(44);
    expect(new Set(seen.map((session) => session.id)).size).toBe(44);
    expect(seen.map((session) => session.id)).not.toContain(ended);
    expect(seen.map((session) => session.id)).not.toContain(expired);
    expect(seen.filter((session) => session.current)).toHaveLength(1);
    expect(seen.at(-1)?.id).toBe(ids[2]);
  });

  it('when limit is 0, 101, -1 or abc, then 400 problem', async () => {
    for (const limit of ['0', '101', '-1', 'abc']) await list(owner, '/auth/sessions', { limit }).expect(400);
  });
});

describe('GET /auth/roles', () => {
  it('when walked in small pages, then built-in roles come first, then the tenant’s own by name', async () => {
    const account = await registerOwner(t);
    for (const name of ['zeta', 'alpha', 'mid']) {
      await request(t.app)
        .post('/auth/roles')
        .set(bearer(account.accessToken))
        .send({ name, permissions: [] })
        .expect(201);
    }
    for (const limit of [1, 2, 3, 4, 100]) {
      const names = (await walk<{ name: string }>(account, '/auth/roles', limit)).map((role) => role.name);
      expect(names).toEqual(['member', 'admin', 'owner', 'alpha', 'mid', 'zeta']);
    }
    const onlyBuiltIns = (await walk<{ name: string }>(await registerOwner(t), '/auth/roles', 3)).map(
      (role) => role.name,
    );
    expect(onlyBuiltIns).toEqual(['member', 'admin', 'owner']);
  });

  it('when limit is 0, 101, -1 or abc, or the cursor names no role position, then 400 problem', async () => {
    for (const limit of ['0', '101', '-1', 'abc']) await list(owner, '/auth/roles', { limit }).expect(400);
    const forged = Buffer.from(JSON.stringify(['auth.roles', owner.tenantId, 'superuser', ''])).toString('base64url');
    await list(owner, '/auth/roles', { cursor: forged }).expect(400);
  });
});
