import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppModule } from '../contract.js';
import { defineRoute } from '../http/route.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';

const probeModule: AppModule = {
  name: 'test_probe',
  setup: () => ({
    routes: [
      defineRoute({
        method: 'post',
        path: '/probe/:slot',
        public: true,
        summary: 'Validation probe',
        request: {
          params: z.object({ slot: z.coerce.number().int().min(1) }),
          query: z.object({ mode: z.enum(['fast', 'safe']) }),
          body: z.object({ email: z.email(), age: z.number().int().min(18), role: z.literal('user').default('user') }),
        },
        responses: { 200: { description: 'Echo of the parsed input' } },
        handler: (input) => input,
      }),
    ],
  }),
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ modules: [probeModule] });
});
afterAll(async () => {
  await t.close();
});

describe('POST /probe/:slot validation', () => {
  it('when params, query and body are all wrong, then 422 lists every field error', async () => {
    const response = await request(t.app).post('/probe/zero?mode=turbo').send({ email: 'nope', age: 12 }).expect(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const errors = (response.body as { errors: { in: string; path: string }[] }).errors.map(
      (error) => `${error.in}:${error.path}`,
    );
    expect(errors).toEqual(expect.arrayContaining(['params:slot', 'query:mode', 'body:email', 'body:age']));
  });

  it('when the input is valid, then the handler sees parsed values and undeclared fields are dropped', async () => {
    const response = await request(t.app)
      .post('/probe/2?mode=safe&extra=1')
      .send({ email: 'a@example.test', age: 30, role: 'user', isAdmin: true, tenantId: 'other' })
      .expect(200);
    expect(response.body).toEqual({
      params: { slot: 2 },
      query: { mode: 'safe' },
      body: { email: 'a@example.test', age: 30, role: 'user' },
    });
  });

  it('when the body is missing, then 422 says so', async () => {
    const response = await request(t.app).post('/probe/1?mode=fast').expect(422);
    expect((response.body as { errors: { in: string }[] }).errors[0]?.in).toBe('body');
  });
});
