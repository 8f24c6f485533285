import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { startAuthTestApp, strongPassword, uniqueEmail } from '../testing/auth-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startAuthTestApp({ auth: { tokenTransport: 'cookie' } });
});
afterAll(async () => {
  await t.close();
});

interface BrowserLogin {
  cookies: string[];
  csrfToken: string;
  accessToken: string;
}

function cookiesOf(response: request.Response): string[] {
  const raw = response.headers['set-cookie'] as unknown;
  return Array.isArray(raw) ? (raw as string[]) : [];
}

async function registerInBrowser(): Promise<BrowserLogin> {
  const response = await request(t.app)
    .post('/auth/register')
    .send({ email: uniqueEmail(), password: strongPassword(), tenantName: 'Browser Co' })
    .expect(201);
  const body = response.body as { csrfToken: string; accessToken: string; refreshToken?: string };
  expect(body.refreshToken).toBeUndefined();
  return {
    cookies: cookiesOf(response).map((cookie) => cookie.split(';')[0] ?? ''),
    csrfToken: body.csrfToken,
    accessToken: body.accessToken,
  };
}

describe('browser mode (token_transport: cookie)', () => {
  it('when logging in, then the refresh token is an httpOnly SameSite=Strict cookie, not in the body', async () => {
    const response = await request(t.app)
      .post('/auth/register')
      .send({ email: uniqueEmail(), password: strongPassword(), tenantName: 'Browser Co' })
      .expect(201);
    const refresh = cookiesOf(response).find((cookie) => cookie.startsWith('refresh='));
    expect(refresh).toMatch(/HttpOnly/i);
    expect(refresh).toMatch(/SameSite=Strict/i);
    expect(refresh).toMatch(/Path=\//);
  });

  it('when refreshing with the cookie and the CSRF token, then new tokens come back', async () => {
    const browser = await registerInBrowser();
    const response = await request(t.app)
      .post('/auth/refresh')
      .set('cookie', browser.cookies.join('; '))
      .set('x-csrf-token', browser.csrfToken)
      .send({})
      .expect(200);
    expect((response.body as { accessToken: string }).accessToken).toBeTruthy();
  });

  it('when a cross-site request rides on the cookie without the CSRF token, then it is refused with 403', async () => {
    const browser = await registerInBrowser();
    const response = await request(t.app)
      .post('/auth/refresh')
      .set('cookie', browser.cookies.join('; '))
      .send({})
      .expect(403);
    expect(response.body).toMatchObject({ type: 'urn:problem:csrf-failed' });
  });

  it('when the CSRF token of another session is replayed, then it is refused', async () => {
    const victim = await registerInBrowser();
    const attacker = await registerInBrowser();
    const victimRefresh = victim.cookies.find((cookie) => cookie.startsWith('refresh=')) ?? '';
    const attackerCsrf = attacker.cookies.find((cookie) => cookie.startsWith('csrf=')) ?? '';
    await request(t.app)
      .post('/auth/refresh')
      .set('cookie', `${victimRefresh}; ${attackerCsrf}`)
      .set('x-csrf-token', attacker.csrfToken)
      .send({})
      .expect(403);
  });
});
