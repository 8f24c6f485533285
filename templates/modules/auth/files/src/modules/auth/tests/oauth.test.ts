import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { Identity } from '../entities/identity.entity.js';
import { startFakeOAuth, type FakeOAuth } from '../testing/fake-oauth.js';
import { bearer, registerOwner, startAuthTestApp, uniqueEmail, totpNow } from '../testing/auth-helpers.js';

let t: TestApp;
let provider: FakeOAuth;
beforeAll(async () => {
  provider = await startFakeOAuth();
  const client = { CLIENT_ID: provider.clientId, CLIENT_SECRET: provider.clientSecret };
  t = await startAuthTestApp({
    auth: { oauthProviders: ['google', 'github', 'oidc'] },
    env: {
      ...Object.fromEntries(
        ['GOOGLE', 'GITHUB', 'OIDC'].flatMap((name) =>
          Object.entries(client).map(([key, value]) => [`AUTH_${name}_${key}`, value]),
        ),
      ),
      AUTH_OIDC_ISSUER: provider.url,
      AUTH_GOOGLE_ISSUER: provider.url,
      AUTH_GITHUB_BASE: provider.url,
      AUTH_GITHUB_API_BASE: provider.url,
      AUTH_PUBLIC_URL: 'https://app.example.test',
    },
  });
});
afterAll(async () => {
  await t.close();
  await provider.close();
});
beforeEach(() => {
  provider.forgedNonce = undefined;
});

type Name = 'google' | 'github' | 'oidc';
const cookieOf = (response: request.Response) =>
  ((response.headers['set-cookie'] as unknown as string[] | undefined) ?? [])
    .map((c) => c.split(';')[0] ?? '')
    .join('; ');

/** The browser's part: start here, let the provider send it back, arrive at the callback with the cookie. */
async function begin(name: Name, tenant?: string) {
  const start = await request(t.app)
    .get(`/auth/oauth/${name}/start`)
    .query(tenant === undefined ? {} : { tenant })
    .expect(302);
  const atProvider = new URL(start.headers.location ?? '');
  expect(atProvider.searchParams.get('code_challenge_method')).toBe('S256');
  expect(atProvider.searchParams.get('state')).toBeTruthy();
  const approved = await fetch(atProvider, { redirect: 'manual' });
  const back = new URL(approved.headers.get('location') ?? '');
  return { cookie: cookieOf(start), callback: `${back.pathname}${back.search}`, back };
}

async function signIn(name: Name, tenant?: string) {
  const { cookie, callback } = await begin(name, tenant);
  return request(t.app).get(callback).set('cookie', cookie);
}

async function tokensFrom(response: request.Response) {
  expect(response.status).toBe(302);
  const complete = new URL(response.headers.location ?? '');
  expect(`${complete.origin}${complete.pathname}`).toBe('https://app.example.test/oauth/complete');
  expect(complete.search).toBe('');
  const code = new URLSearchParams(complete.hash.slice(1)).get('code') ?? '';
  return { code, exchange: await request(t.app).post('/auth/oauth/token').send({ code }) };
}

describe.each(['oidc', 'google', 'github'] as const)('signing in with %s', (name) => {
  it('when the provider verified the address of an existing account, then it links and logs in', async () => {
    const owner = await registerOwner(t);
    provider.user = {
      subject: `${String(Date.now())}${String(Math.floor(Math.random() * 1000))}`,
      email: owner.email,
      emailVerified: true,
    };
    const { exchange } = await tokensFrom(await signIn(name, owner.tenantId));
    expect(exchange.status).toBe(200);
    const me = await request(t.app)
      .get('/auth/me')
      .set(bearer((exchange.body as { accessToken: string }).accessToken))
      .expect(200);
    expect(me.body).toMatchObject({ email: owner.email, tenantId: owner.tenantId });
    const links = await t.dataSource
      .getRepository(Identity)
      .find({ where: { provider: name, subject: provider.user.subject } });
    expect(links).toHaveLength(1);
  });

  it('when the provider has not verified the address, then nothing is linked (no takeover by a claimed email)', async () => {
    const owner = await registerOwner(t);
    provider.user = { subject: `${String(Date.now())}7`, email: owner.email, emailVerified: false };
    const response = await signIn(name, owner.tenantId);
    expect(response.status).toBe(403);
    expect(await t.dataSource.getRepository(Identity).count({ where: { subject: provider.user.subject } })).toBe(0);
  });
});

describe('the callback refuses what it did not start', () => {
  it('when the state was changed, then the login fails', async () => {
    const owner = await registerOwner(t);
    provider.user = { subject: 'state-1', email: owner.email, emailVerified: true };
    const { cookie, back } = await begin('oidc', owner.tenantId);
    back.searchParams.set('state', 'attacker-state');
    await request(t.app).get(`${back.pathname}${back.search}`).set('cookie', cookie).expect(401);
  });

  it('when the callback arrives without the cookie of its start (login CSRF), then it is refused', async () => {
    const owner = await registerOwner(t);
    provider.user = { subject: 'csrf-1', email: owner.email, emailVerified: true };
    const { callback } = await begin('oidc', owner.tenantId);
    await request(t.app).get(callback).expect(400);
  });

  it("when an attacker's authorization code is injected into a victim's login, then PKCE refuses it", async () => {
    const owner = await registerOwner(t);
    provider.user = { subject: '4242', email: owner.email, emailVerified: true };
    // GitHub: no ID token and no nonce, so only the PKCE verifier stands between the code and the login.
    const victim = await begin('github', owner.tenantId);
    const attacker = await begin('github', owner.tenantId);
    const injected = new URL(victim.back);
    injected.searchParams.set('code', attacker.back.searchParams.get('code') ?? '');
    await request(t.app).get(`${injected.pathname}${injected.search}`).set('cookie', victim.cookie).expect(401);
  });

  it('when the ID token carries another nonce (a replayed token), then the login fails', async () => {
    const owner = await registerOwner(t);
    provider.user = { subject: 'nonce-1', email: owner.email, emailVerified: true };
    provider.forgedNonce = 'replayed-nonce';
    const response = await signIn('oidc', owner.tenantId);
    expect(response.status).toBe(401);
  });

  it('when the cookie belongs to a login with another provider, then it is refused', async () => {
    const owner = await registerOwner(t);
    const github = await begin('github', owner.tenantId);
    const oidc = await begin('oidc', owner.tenantId);
    await request(t.app).get(oidc.callback).set('cookie', github.cookie).expect(400);
  });
});

describe('POST /auth/oauth/token', () => {
  it('when the code is traded twice, then the second is refused', async () => {
    const owner = await registerOwner(t);
    provider.user = { subject: 'twice-1', email: owner.email, emailVerified: true };
    const { code, exchange } = await tokensFrom(await signIn('oidc', owner.tenantId));
    expect(exchange.status).toBe(200);
    await request(t.app).post('/auth/oauth/token').send({ code }).expect(400);
  });

  it('when the account has a second factor, then the provider does not stand in for it', async () => {
    const owner = await registerOwner(t);
    const setup = await request(t.app)
      .post('/auth/mfa/totp/setup')
      .set(bearer(owner.accessToken))
      .send({ password: owner.password })
      .expect(200);
    await request(t.app)
      .post('/auth/mfa/totp/confirm')
      .set(bearer(owner.accessToken))
      .send({ code: await totpNow((setup.body as { secret: string }).secret, -1) })
      .expect(200);
    provider.user = { subject: 'mfa-1', email: owner.email, emailVerified: true };
    const { exchange } = await tokensFrom(await signIn('oidc', owner.tenantId));
    expect(exchange.body).toMatchObject({ mfaRequired: true });
    expect(exchange.body).not.toHaveProperty('accessToken');
  });
});

describe('accounts', () => {
  it('when nobody in the organisation has the address, then sign-in is refused', async () => {
    const owner = await registerOwner(t);
    provider.user = { subject: 'stranger-1', email: uniqueEmail('stranger'), emailVerified: true };
    expect((await signIn('oidc', owner.tenantId)).status).toBe(403);
  });

  it('when no organisation is named and registration is open, then a new one is created with this person as owner', async () => {
    provider.user = { subject: 'founder-1', email: uniqueEmail('founder'), emailVerified: true };
    const { exchange } = await tokensFrom(await signIn('oidc'));
    const me = await request(t.app)
      .get('/auth/me')
      .set(bearer((exchange.body as { accessToken: string }).accessToken))
      .expect(200);
    expect(me.body).toMatchObject({ email: provider.user.email, role: 'owner', emailVerified: true });
  });

  it('when a provider is not offered, then its start answers 404', async () => {
    const plain = await startAuthTestApp();
    try {
      await request(plain.app).get('/auth/oauth/oidc/start').expect(404);
    } finally {
      await plain.close();
    }
  });
});
