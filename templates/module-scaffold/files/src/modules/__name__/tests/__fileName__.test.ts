import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppModule } from '../../core/index.js';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';

/** Stands in for the app's auth module: the caller names the permissions it holds in a header. Tests only. */
const grantsByHeader: AppModule = {
  name: 'test___name___grants',
  setup: () => ({
    hooks: {
      authenticate: (req) =>
        Promise.resolve(
          req.headers['x-test-grants'] === undefined ? undefined : { subject: 'tester', via: 'bearer' as const },
        ),
      authorize: (_principal, permission, req) =>
        Promise.resolve(String(req.headers['x-test-grants']).split(',').includes(permission)),
    },
  }),
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ modules: [grantsByHeader] });
});
afterAll(async () => {
  await t.close();
});

const both = '__name__:read,__name__:write';
const asTenant = (tenantId: string, grants = both) => ({
  [t.config.core.tenantHeader]: tenantId,
  'x-test-grants': grants,
});

describe('POST /__fileName__/items', () => {
  it('when a caller with __name__:write sends a title, then the item is created', async () => {
    const tenant = await t.newTenant();
    const response = await request(t.app)
      .post('/__fileName__/items')
      .set(asTenant(tenant))
      .send({ title: 'first' })
      .expect(201);
    expect(response.body).toEqual({ id: expect.any(String) as unknown, title: 'first' });
  });

  it('when the title is longer than max_title_length, then it answers 422', async () => {
    const tenant = await t.newTenant();
    const title = 'x'.repeat(t.config.__propertyName__.maxTitleLength + 1);
    await request(t.app).post('/__fileName__/items').set(asTenant(tenant)).send({ title }).expect(422);
  });

  it('when the caller is not authenticated, then it answers 401', async () => {
    const tenant = await t.newTenant();
    await request(t.app)
      .post('/__fileName__/items')
      .set(t.config.core.tenantHeader, tenant)
      .send({ title: 'x' })
      .expect(401);
  });

  it('when the caller may only read, then it answers 403', async () => {
    const tenant = await t.newTenant();
    await request(t.app)
      .post('/__fileName__/items')
      .set(asTenant(tenant, '__name__:read'))
      .send({ title: 'x' })
      .expect(403);
  });
});

describe('GET /__fileName__/items', () => {
  it('when a tenant has more items than a page, then every item is listed once, by title', async () => {
    const tenant = await t.newTenant();
    for (const title of ['c', 'a', 'b']) {
      await request(t.app).post('/__fileName__/items').set(asTenant(tenant)).send({ title }).expect(201);
    }
    const first = await request(t.app).get('/__fileName__/items?limit=2').set(asTenant(tenant)).expect(200);
    const page = first.body as { items: { title: string }[]; nextCursor: string };
    const rest = await request(t.app)
      .get(`/__fileName__/items?limit=2&cursor=${page.nextCursor}`)
      .set(asTenant(tenant))
      .expect(200);
    const titles = [...page.items, ...(rest.body as { items: { title: string }[] }).items].map((item) => item.title);
    expect(titles).toEqual(['a', 'b', 'c']);
  });

  it('when another tenant lists, then it sees none of this tenant’s items', async () => {
    const tenant = await t.newTenant();
    const other = await t.newTenant();
    await request(t.app).post('/__fileName__/items').set(asTenant(tenant)).send({ title: 'private' }).expect(201);
    const response = await request(t.app).get('/__fileName__/items').set(asTenant(other)).expect(200);
    expect(response.body).toEqual({ items: [], nextCursor: null });
  });
});
