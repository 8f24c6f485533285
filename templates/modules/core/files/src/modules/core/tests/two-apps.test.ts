import type { Request } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppModule, ModuleContext } from '../contract.js';
import { defineRoute } from '../http/route.js';
import { constantTimeEqual, deriveKey, hmac } from '../security/crypto.js';
import { createApp } from '../../../app.js';
import { createDataSource } from '../../../db/data-source.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { testConfig } from '../testing/test-config.js';

/** What the test module's `setup` saw and did, per app. */
const setups: ModuleContext[] = [];
const shutDown: ModuleContext[] = [];

/**
 * A module shaped like auth: `setup` derives a signing key from its app's APP_SECRET, remembers each request's
 * subject from `authenticate` to `authorize` in a WeakMap of its own, and releases its state on shutdown.
 */
const signedTokensModule: AppModule = {
  name: 'test_signed_tokens',
  permissions: [{ name: 'test_tokens:me', description: 'Read who the token says you are' }],
  setup: (context) => {
    setups.push(context);
    const key = deriveKey(context.config.env.APP_SECRET, 'test-signed-tokens');
    const subjects = new WeakMap<Request, string>();
    const sign = (subject: string) => `${subject}.${hmac(key, subject)}`;
    return {
      routes: [
        defineRoute({
          method: 'post',
          path: '/test-tokens',
          public: true,
          summary: 'Mints a token for a subject',
          request: { body: z.object({ subject: z.string().regex(/^\w+$/) }) },
          responses: { 200: { description: 'The token' } },
          handler: ({ body }) => ({ token: sign(body.subject) }),
        }),
        defineRoute({
          method: 'get',
          path: '/test-tokens/me',
          summary: 'Who the token says you are',
          permission: 'test_tokens:me',
          responses: { 200: { description: 'The subject' } },
          handler: (_input, { req }) => ({ subject: subjects.get(req) }),
        }),
      ],
      hooks: {
        authenticate: (req) => {
          const token = /^Bearer (\w+)\.(\S+)$/.exec(req.headers.authorization ?? '');
          const subject = token?.[1];
          if (subject === undefined || !constantTimeEqual(sign(subject), token?.[0].slice(7) ?? ''))
            return Promise.resolve(undefined);
          subjects.set(req, subject);
          return Promise.resolve({ subject, via: 'bearer' as const });
        },
        authorize: (principal, permission, req) =>
          Promise.resolve(permission === 'test_tokens:me' && subjects.get(req) === principal.subject),
        onShutdown: () => {
          shutDown.push(context);
          return Promise.resolve();
        },
      },
    };
  },
};

async function tokenFrom(t: TestApp, subject: string): Promise<string> {
  const response = await request(t.app).post('/test-tokens').send({ subject }).expect(200);
  return (response.body as { token: string }).token;
}

let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  // Each test app gets fresh secrets (testConfig), so A and B sign with different keys.
  a = await startTestApp({ modules: [signedTokensModule] });
  b = await startTestApp({ modules: [signedTokensModule] });
});
afterAll(async () => {
  await b.close();
});

describe('two apps in one process', () => {
  it('when both are built, then each module set up once per app, each with its own context', () => {
    expect(setups).toEqual([a.instance.context, b.instance.context]);
    expect(a.instance.context).not.toBe(b.instance.context);
    expect(a.instance.context.mailer).not.toBe(b.instance.context.mailer);
  });

  it('when app A mints a token, then A accepts it and B refuses it', async () => {
    const token = await tokenFrom(a, 'ann');
    const own = await request(a.app).get('/test-tokens/me').set('authorization', `Bearer ${token}`).expect(200);
    expect(own.body).toEqual({ subject: 'ann' });
    await request(b.app).get('/test-tokens/me').set('authorization', `Bearer ${token}`).expect(401);
  });

  it('when app A shuts down, then only A released its runtime and B keeps serving', async () => {
    await a.close();
    expect(shutDown).toEqual([a.instance.context]);
    const token = await tokenFrom(b, 'bob');
    const response = await request(b.app).get('/test-tokens/me').set('authorization', `Bearer ${token}`).expect(200);
    expect(response.body).toEqual({ subject: 'bob' });
    await request(b.app).get('/ready').expect(200);
  });
});

describe('reading hooks during setup', () => {
  it('when a module reads hooks in setup, then the app refuses to build, since later modules are missing', () => {
    const eager: AppModule = {
      name: 'test_eager',
      setup: (context) => ({ hooks: { authorize: context.hooks.all('authorize')[0] } }),
    };
    const config = testConfig();
    // Building the app touches no connection: the data source is never initialised.
    expect(() => createApp({ config, dataSource: createDataSource(config), modules: [eager] })).toThrow(
      /read during setup/,
    );
  });
});
