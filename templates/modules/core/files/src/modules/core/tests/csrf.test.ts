import type { Request } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppModule } from '../contract.js';
import { defineRoute } from '../http/route.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';

/** A stand-in for an auth module: the session is whatever the `sid` cookie says. */
const sessionModule: AppModule = {
  name: 'test_session',
  setup: () => ({
    hooks: {
      sessionOf: (req: Request) => {
        const sid = (req.cookies as Record<string, string | undefined>).sid;
        return sid;
      },
    },
    routes: [
      defineRoute({
        method: 'post',
        path: '/echo',
        public: true,
        summary: 'Echo',
        responses: { 200: { description: 'ok' } },
        handler: () => ({ ok: true }),
      }),
    ],
  }),
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ modules: [sessionModule] });
});
afterAll(async () => {
  await t.close();
});

async function tokenFor(sid: string): Promise<{ token: string; cookie: string }> {
  const response = await request(t.app).get('/csrf-token').set('Cookie', `sid=${sid}`).expect(200);
  const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] ?? '';
  return { token: (response.body as { token: string }).token, cookie: setCookie.split(';')[0] ?? '' };
}

describe('CSRF protection', () => {
  it('when a cookie-carrying POST has no token, then it is refused with 403 problem+json', async () => {
    const response = await request(t.app).post('/echo').set('Cookie', 'sid=s1').send({}).expect(403);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ type: 'urn:problem:csrf-failed' });
  });

  it('when the token from GET /csrf-token is sent as cookie and header, then the POST is accepted', async () => {
    const { token, cookie } = await tokenFor('s1');
    await request(t.app)
      .post('/echo')
      .set('Cookie', `sid=s1; ${cookie}`)
      .set('X-CSRF-Token', token)
      .send({})
      .expect(200);
  });

  it('when a token issued for another session is replayed, then it is refused', async () => {
    const { token, cookie } = await tokenFor('attacker-session');
    await request(t.app)
      .post('/echo')
      .set('Cookie', `sid=victim-session; ${cookie}`)
      .set('X-CSRF-Token', token)
      .send({})
      .expect(403);
  });

  it('when the header does not match the cookie, then it is refused', async () => {
    const first = await tokenFor('s1');
    const second = await tokenFor('s1');
    await request(t.app)
      .post('/echo')
      .set('Cookie', `sid=s1; ${first.cookie}`)
      .set('X-CSRF-Token', second.token)
      .send({})
      .expect(403);
  });

  it('when the signature is tampered with, then it is refused', async () => {
    const { token } = await tokenFor('s1');
    const forged = `${token.split('.')[0] ?? ''}.AAAA`;
    await request(t.app)
      .post('/echo')
      .set('Cookie', `sid=s1; csrf=${forged}`)
      .set('X-CSRF-Token', forged)
      .send({})
      .expect(403);
  });

  it('when the request is authenticated by a bearer token, then no CSRF token is needed', async () => {
    await request(t.app)
      .post('/echo')
      .set('Cookie', 'sid=s1')
      .set('Authorization', 'Bearer abc.def')
      .send({})
      .expect(200);
  });

  it('when the request carries no cookie at all, then no CSRF token is needed', async () => {
    await request(t.app).post('/echo').send({}).expect(200);
  });

  it('when the only cookies are unrelated to any session (analytics), then no CSRF token is needed', async () => {
    await request(t.app).post('/echo').set('Cookie', '_ga=GA1.2.123.456; consent=yes').send({}).expect(200);
  });

  it('when a session cookie rides along with an analytics cookie and no token, then it is still refused', async () => {
    await request(t.app).post('/echo').set('Cookie', '_ga=GA1.2.123.456; sid=s1').send({}).expect(403);
  });
});

/** A stand-in for a module that authenticates from its own cookie without naming the session to CSRF. */
const cookieLoginModule: AppModule = {
  name: 'test_cookie_login',
  setup: () => ({
    hooks: {
      authenticate: (req: Request) => {
        const user = (req.cookies as Record<string, string | undefined>).user;
        return Promise.resolve(user === undefined ? undefined : { subject: user, via: 'session' as const });
      },
    },
    routes: [
      defineRoute({
        method: 'post',
        path: '/act',
        public: true,
        summary: 'Act',
        responses: { 200: { description: 'ok' } },
        handler: () => ({ ok: true }),
      }),
    ],
  }),
};

describe('CSRF protection for a principal authenticated via a session cookie', () => {
  let s: TestApp;
  beforeAll(async () => {
    s = await startTestApp({ modules: [cookieLoginModule] });
  });
  afterAll(async () => {
    await s.close();
  });

  it('when the principal came from a session cookie and no token is sent, then the POST is refused', async () => {
    await request(s.app).post('/act').set('Cookie', 'user=alice').send({}).expect(403);
  });

  it('when the principal came from a session cookie and the token is sent, then the POST is accepted', async () => {
    const issued = await request(s.app).get('/csrf-token').expect(200);
    const cookie = (([] as string[]).concat(issued.headers['set-cookie'] ?? [])[0] ?? '').split(';')[0] ?? '';
    await request(s.app)
      .post('/act')
      .set('Cookie', `user=alice; ${cookie}`)
      .set('X-CSRF-Token', (issued.body as { token: string }).token)
      .send({})
      .expect(200);
  });
});

describe('GET /csrf-token in production', () => {
  it('when issued in production, then the cookie is __Host-, Secure, HttpOnly, SameSite=Strict, Path=/', async () => {
    const production = await startTestApp({ env: { NODE_ENV: 'production' } });
    try {
      const response = await request(production.app).get('/csrf-token').expect(200);
      const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] ?? '';
      expect(cookie).toMatch(/^__Host-csrf=/);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Strict/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).not.toMatch(/Domain=/);
    } finally {
      await production.close();
    }
  });
});
