import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppModule } from '../contract.js';
import { Tenant } from '../entities/tenant.entity.js';
import { defineRoute } from '../http/route.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';

const failingModule: AppModule = {
  name: 'test_failing',
  setup: ({ dataSource }) => ({
    routes: [
      defineRoute({
        method: 'post',
        path: '/twice',
        public: true,
        summary: 'Inserts the same row twice, as two racing requests would',
        responses: { 200: { description: 'never' } },
        handler: async () => {
          const tenants = dataSource.getRepository(Tenant);
          const row = { id: `race-${String(Date.now())}`, name: 'Race', active: true };
          await tenants.insert(row);
          await tenants.insert(row);
          return { ok: true };
        },
      }),
      defineRoute({
        method: 'get',
        path: '/boom',
        public: true,
        summary: 'Fails like a database error would',
        responses: { 200: { description: 'never' } },
        handler: () => {
          throw new Error('QueryFailedError: relation "secret_table" does not exist (TypeORM)');
        },
      }),
      defineRoute({
        method: 'post',
        path: '/sink',
        public: true,
        summary: 'Accepts any JSON object',
        request: { body: z.object({}).loose() },
        responses: { 200: { description: 'ok' } },
        handler: () => ({ ok: true }),
      }),
    ],
  }),
};

let t: TestApp;
let dev: TestApp;
beforeAll(async () => {
  t = await startTestApp({ modules: [failingModule], env: { CORE_BODY_LIMIT_KB: '1' } });
  dev = await startTestApp({ modules: [failingModule], env: { NODE_ENV: 'development' } });
});
afterAll(async () => {
  await t.close();
  await dev.close();
});

function expectProblem(response: request.Response, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    status,
    type: expect.any(String) as string,
    title: expect.any(String) as string,
  });
  expect((response.body as { requestId: string }).requestId).toBe(response.headers['x-request-id']);
}

describe('error format', () => {
  it('when a handler throws unexpectedly outside development, then 500 problem+json shows no stack, SQL or ORM name', async () => {
    const response = await request(t.app).get('/boom');
    expectProblem(response, 500);
    const text = JSON.stringify(response.body);
    expect(text).not.toMatch(/stack|QueryFailedError|TypeORM|secret_table|at .*\.ts/);
  });

  it('when a handler throws in development, then the detail helps the developer', async () => {
    const response = await request(dev.app).get('/boom');
    expectProblem(response, 500);
    expect((response.body as { detail: string }).detail).toContain('QueryFailedError');
  });

  it('when an insert loses a race to the same unique key, then 409 problem+json without the constraint or SQL', async () => {
    const response = await request(t.app).post('/twice');
    expectProblem(response, 409);
    expect(JSON.stringify(response.body)).not.toMatch(/constraint|UNIQUE|duplicate|tenants|QueryFailedError|SQL/i);
  });

  it('when the route does not exist, then 404 problem+json', async () => {
    expectProblem(await request(t.app).get('/nowhere'), 404);
  });

  it('when a proxy sent a request id, then it is echoed in header and body', async () => {
    const response = await request(t.app).get('/nowhere').set('X-Request-Id', 'edge-123');
    expect(response.headers['x-request-id']).toBe('edge-123');
    expect((response.body as { requestId: string }).requestId).toBe('edge-123');
  });
});

describe('error format when NODE_ENV is unset', () => {
  it('when a handler throws and nothing names the environment, then the answer is as discreet as in production', async () => {
    const unset = await startTestApp({ modules: [failingModule], env: { NODE_ENV: undefined } });
    try {
      expect(unset.config.env.NODE_ENV).toBe('production');
      const response = await request(unset.app).get('/boom');
      expectProblem(response, 500);
      expect(JSON.stringify(response.body)).not.toMatch(/stack|QueryFailedError|TypeORM|secret_table|at .*\.ts/);
      const issued = await request(unset.app).get('/csrf-token').expect(200);
      expect(([] as string[]).concat(issued.headers['set-cookie'] ?? [])[0]).toMatch(/^__Host-csrf=.*; Secure/);
    } finally {
      await unset.close();
    }
  });
});

describe('request bodies', () => {
  it('when the JSON is malformed, then 400 problem+json', async () => {
    const response = await request(t.app).post('/sink').set('content-type', 'application/json').send('{"a": ');
    expectProblem(response, 400);
  });

  it('when the body is larger than the limit, then 413 problem+json', async () => {
    const response = await request(t.app)
      .post('/sink')
      .send({ blob: 'x'.repeat(4096) });
    expectProblem(response, 413);
  });

  it('when the body is deeply nested, then it is refused instead of exhausting the stack', async () => {
    const deep = `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`;
    const response = await request(dev.app).post('/sink').set('content-type', 'application/json').send(deep);
    expectProblem(response, 400);
  });
});
