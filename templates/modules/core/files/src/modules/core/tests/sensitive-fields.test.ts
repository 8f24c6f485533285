import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../db/data-source.js';
import type { AppModule } from '../contract.js';
import { defineRoute } from '../http/route.js';
import { HttpError } from '../http/problem.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { testConfig } from '../testing/test-config.js';
import { widgetsModule } from '../testing/widgets/widgets.module.js';

const leakyModule: AppModule = {
  name: 'test_leaky',
  setup: () => ({
    routes: [
      defineRoute({
        method: 'get',
        path: '/leaky',
        public: true,
        summary: 'Returns a user record with its hash, nested',
        responses: { 200: { description: 'ok' } },
        handler: () => ({
          users: [{ email: 'a@example.test', passwordHash: '$argon2id$...', profile: { password: 'hunter2' } }],
        }),
      }),
      defineRoute({
        method: 'get',
        path: '/leaky-error',
        public: true,
        summary: 'Fails with a sensitive extension member',
        responses: { 200: { description: 'never' } },
        handler: () => {
          throw new HttpError(409, { extensions: { passwordHash: 'x', hint: 'kept' } });
        },
      }),
    ],
  }),
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ modules: [widgetsModule, leakyModule] });
});
afterAll(async () => {
  await t.close();
});

describe('sensitive fields', () => {
  it('when a handler returns core-sensitive fields at any depth, then they are dropped from the JSON', async () => {
    const response = await request(t.app).get('/leaky').expect(200);
    expect(response.text).not.toMatch(/passwordHash|hunter2|argon2/);
    expect(response.body).toEqual({ users: [{ email: 'a@example.test', profile: {} }] });
  });

  it('when an error body carries a sensitive member, then it is dropped too', async () => {
    const response = await request(t.app).get('/leaky-error').expect(409);
    expect(response.body).toMatchObject({ hint: 'kept' });
    expect(response.text).not.toContain('passwordHash');
  });

  it('when a module marks its own field sensitive, then the stored value never reaches a response', async () => {
    const tenant = await t.newTenant();
    const created = await request(t.app)
      .post('/widgets')
      .set('x-tenant-id', tenant)
      .send({ name: 'w', internalCode: 'XK-99' })
      .expect(201);
    const id = (created.body as { id: string }).id;
    const read = await request(t.app).get(`/widgets/${id}`).set('x-tenant-id', tenant).expect(200);
    const list = await request(t.app).get('/widgets').set('x-tenant-id', tenant).expect(200);
    for (const response of [created, read, list]) expect(response.text).not.toContain('XK-99');
  });
});

describe('query logging', () => {
  it('when LOG_LEVEL is trace in production, then TypeORM does not print queries with their bound values', () => {
    expect(createDataSource(testConfig({ LOG_LEVEL: 'trace', NODE_ENV: 'production' })).options.logging).toBe(false);
    expect(createDataSource(testConfig({ LOG_LEVEL: 'trace', NODE_ENV: 'development' })).options.logging).toBe('all');
  });
});
