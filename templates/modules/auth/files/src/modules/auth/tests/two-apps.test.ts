import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute, type AppModule } from '../../core/index.js';
import type { TestApp } from '../../core/testing/test-app.js';
import { bearer, registerOwner, startAuthTestApp } from '../testing/auth-helpers.js';

/** A route any signed-in account may call, answering with the subject auth recognised. */
const whoamiModule: AppModule = {
  name: 'test_whoami',
  setup: () => ({
    routes: [
      defineRoute({
        method: 'get',
        path: '/test-whoami',
        summary: 'The caller, as auth recognised it',
        permission: 'auth:basic',
        responses: { 200: { description: 'The subject', schema: z.object({ subject: z.string().optional() }) } },
        handler: (_input, { req }) => ({ subject: req.principal?.subject }),
      }),
    ],
  }),
};

let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  // Each test app has fresh secrets, so A and B sign access tokens with different keys.
  a = await startAuthTestApp({ modules: [whoamiModule] });
  b = await startAuthTestApp({ modules: [whoamiModule] });
});
afterAll(async () => {
  await b.close();
});

describe('two apps with auth in one process', () => {
  it('when app A mints an access token, then A accepts it and B, signing with other keys, refuses it', async () => {
    const owner = await registerOwner(a);
    await request(a.app).get('/test-whoami').set(bearer(owner.accessToken)).expect(200);
    await request(b.app).get('/test-whoami').set(bearer(owner.accessToken)).expect(401);
  });

  it('when app A shuts down, then B still signs in, recognises and revokes its own tokens', async () => {
    await a.close();
    const owner = await registerOwner(b);
    const me = await request(b.app).get('/test-whoami').set(bearer(owner.accessToken)).expect(200);
    expect(me.body).toEqual({ subject: expect.any(String) as string });
    await request(b.app).post('/auth/logout').set(bearer(owner.accessToken)).send({}).expect(204);
    await request(b.app).get('/test-whoami').set(bearer(owner.accessToken)).expect(401);
  });
});
