import { createHmac, generateKeyPairSync } from 'node:crypto';
import { SignJWT, exportJWK, type JWTPayload } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../core/testing/test-app.js';
import { addMember, bearer, login, registerOwner, startAuthTestApp, type Account } from '../testing/auth-helpers.js';
import { sessionIdOf, signingKey } from '../tokens.js';

let t: TestApp;
let owner: Account;
beforeAll(async () => {
  t = await startAuthTestApp();
  owner = await registerOwner(t);
});
afterAll(async () => {
  await t.close();
});

const b64 = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function partsOf(token: string): { header: Record<string, unknown>; payload: JWTPayload } {
  const [header = '', payload = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as JWTPayload,
  };
}

/** Signs `payload` with the app's real key, under any header: forging with the key in hand, to test the checks. */
function forge(header: Record<string, unknown>, payload: JWTPayload): string {
  const key = signingKey(t.config.env.APP_SECRET);
  const signingInput = `${b64(header)}.${b64(payload)}`;
  return `${signingInput}.${createHmac('sha256', Buffer.from(key.key)).update(signingInput).digest('base64url')}`;
}

const me = (token: string) => request(t.app).get('/auth/me').set(bearer(token));

describe('access tokens', () => {
  it('when the token is the one issued, then it is accepted (control)', async () => {
    const { header, payload } = partsOf(owner.accessToken);
    await me(forge(header, payload)).expect(200);
  });

  it('when a refused token is presented, then the 401 challenges with invalid_token (RFC 6750)', async () => {
    const { header, payload } = partsOf(owner.accessToken);
    const response = await me(`${b64(header)}.${b64({ ...payload, role: 'owner' })}.bad-signature`).expect(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  it('when no token is presented, then the 401 carries the bare Bearer challenge', async () => {
    const response = await request(t.app).get('/auth/me').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('when alg is none, then the token is refused', async () => {
    const { header, payload } = partsOf(owner.accessToken);
    await me(`${b64({ ...header, alg: 'none' })}.${b64({ ...payload, role: 'owner' })}.`).expect(401);
  });

  it('when the signature is tampered, then the token is refused', async () => {
    const [h, p, s = ''] = owner.accessToken.split('.');
    const flipped = (s.startsWith('A') ? 'B' : 'A') + s.slice(1);
    await me(`${h ?? ''}.${p ?? ''}.${flipped}`).expect(401);
    const { payload } = partsOf(owner.accessToken);
    await me(`${h ?? ''}.${b64({ ...payload, role: 'owner', tenant: 'other' })}.${s}`).expect(401);
  });

  it('when the algorithm is switched to RS256 or HS512 (algorithm confusion), then the token is refused', async () => {
    const { header, payload } = partsOf(owner.accessToken);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs = await new SignJWT(payload).setProtectedHeader({ ...header, alg: 'RS256' }).sign(privateKey);
    await me(rs).expect(401);
    const hs512 = await new SignJWT(payload)
      .setProtectedHeader({ ...header, alg: 'HS512' })
      .sign(new Uint8Array(64).fill(1));
    await me(hs512).expect(401);
  });

  it('when the issuer or audience is wrong, then the token is refused', async () => {
    const { header, payload } = partsOf(owner.accessToken);
    await me(forge(header, { ...payload, iss: 'someone-else' })).expect(401);
    await me(forge(header, { ...payload, aud: 'another-api' })).expect(401);
  });

  it('when the token has expired, then it is refused', async () => {
    const { header, payload } = partsOf(owner.accessToken);
    const past = Math.floor(Date.now() / 1000) - 3600;
    await me(forge(header, { ...payload, iat: past - 900, exp: past })).expect(401);
  });

  it('when the header points at keys elsewhere (jku, x5u, jwk), then the token is refused and nothing is fetched', async () => {
    const { header, payload } = partsOf(owner.accessToken);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await me(forge({ ...header, jku: 'http://127.0.0.1:1/keys.json' }, payload)).expect(401);
    await me(forge({ ...header, x5u: 'http://127.0.0.1:1/cert.pem' }, payload)).expect(401);
    await me(forge({ ...header, jwk: await exportJWK(publicKey) }, payload)).expect(401);
  });

  it('when kid is unknown or looks like a path, then the token is refused', async () => {
    const { header, payload } = partsOf(owner.accessToken);
    await me(forge({ ...header, kid: '../../../../dev/null' }, payload)).expect(401);
    await me(forge({ ...header, kid: "x' OR '1'='1" }, payload)).expect(401);
  });

  it('when the token is garbage or huge, then it answers 401, never 500', async () => {
    await me('not.a.token').expect(401);
    await me('x'.repeat(5000)).expect(401);
    await request(t.app).get('/auth/me').set('authorization', 'Basic abc').expect(401);
  });
});

describe('POST /auth/refresh', () => {
  it('when a refresh token is used, then new tokens come back and the old one is spent', async () => {
    const first = (await login(t, owner).expect(200)).body as { refreshToken: string };
    const second = (await request(t.app).post('/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200))
      .body as { accessToken: string; refreshToken: string };
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await me(second.accessToken).expect(200);
  });

  it('when a used refresh token is presented again, then the whole family is revoked', async () => {
    const first = (await login(t, owner).expect(200)).body as { refreshToken: string };
    const second = (await request(t.app).post('/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200))
      .body as { accessToken: string; refreshToken: string };
    await request(t.app).post('/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    await request(t.app).post('/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    await me(second.accessToken).expect(401);
  });

  it('when one refresh token is used twice at once, then at most one family stays alive', async () => {
    const first = (await login(t, owner).expect(200)).body as { refreshToken: string };
    const results = await Promise.all(
      [1, 2, 3].map(() => request(t.app).post('/auth/refresh').send({ refreshToken: first.refreshToken })),
    );
    const winners = results
      .filter((response) => response.status === 200)
      .map((response) => response.body as { refreshToken: string });
    expect(winners.length).toBeLessThanOrEqual(1);
    let alive = 0;
    for (const winner of winners) {
      if ((await request(t.app).post('/auth/refresh').send({ refreshToken: winner.refreshToken })).status === 200)
        alive++;
    }
    expect(alive).toBeLessThanOrEqual(1);
  });

  it('when the refresh token is forged, malformed or empty, then it answers 401', async () => {
    await request(t.app)
      .post('/auth/refresh')
      .send({ refreshToken: '00000000-0000-0000-0000-000000000000.abc' })
      .expect(401);
    await request(t.app).post('/auth/refresh').send({ refreshToken: 'garbage' }).expect(401);
    await request(t.app).post('/auth/refresh').send({}).expect(401);
  });

  it('when the session has idled or passed its absolute lifetime, then refresh is refused', async () => {
    const idle = (await login(t, owner).expect(200)).body as { refreshToken: string };
    await t.dataSource.query(
      `UPDATE auth_refresh_tokens SET "idleExpiresAt" = 1 WHERE "usedAt" IS NULL AND "sessionId" = '${sessionIdOf(idle.refreshToken) ?? ''}'`,
    );
    await request(t.app).post('/auth/refresh').send({ refreshToken: idle.refreshToken }).expect(401);
    const old = (await login(t, owner).expect(200)).body as { refreshToken: string };
    await t.dataSource.query(
      `UPDATE auth_sessions SET "expiresAt" = 1 WHERE "id" = '${sessionIdOf(old.refreshToken) ?? ''}'`,
    );
    await request(t.app).post('/auth/refresh').send({ refreshToken: old.refreshToken }).expect(401);
  });

  it('when refresh tokens are stored, then only their hashes are in the database', async () => {
    const pair = (await login(t, owner).expect(200)).body as { refreshToken: string };
    const rows: { tokenHash: string }[] = await t.dataSource.query('SELECT "tokenHash" FROM auth_refresh_tokens');
    expect(rows.some((row) => pair.refreshToken.includes(row.tokenHash))).toBe(false);
  });
});

describe('POST /auth/logout', () => {
  it('when a session logs out, then its access token stops at once and its refresh token is dead', async () => {
    const pair = (await login(t, owner).expect(200)).body as { accessToken: string; refreshToken: string };
    await request(t.app).post('/auth/logout').set(bearer(pair.accessToken)).expect(204);
    await me(pair.accessToken).expect(401);
    await request(t.app).post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
  });

  it('when called without a token, then it answers 401', async () => {
    await request(t.app).post('/auth/logout').expect(401);
  });
});

describe('POST /auth/logout-all', () => {
  it('when the user logs out everywhere, then every session’s access token stops at once', async () => {
    const account = await registerOwner(t);
    const a = (await login(t, account).expect(200)).body as { accessToken: string };
    const b = (await login(t, account).expect(200)).body as { accessToken: string };
    await request(t.app).post('/auth/logout-all').set(bearer(a.accessToken)).expect(204);
    await me(a.accessToken).expect(401);
    await me(b.accessToken).expect(401);
    await me(account.accessToken).expect(401);
  });
});

describe('GET /auth/sessions', () => {
  it('when listed, then each live session shows device, address, agent and which one is current', async () => {
    const account = await registerOwner(t);
    await request(t.app)
      .post('/auth/login')
      .set('user-agent', 'Mozilla/5.0 (Windows NT 10.0) Firefox/120.0')
      .send({ email: account.email, password: account.password, tenant: account.tenantId })
      .expect(200);
    const response = await request(t.app).get('/auth/sessions').set(bearer(account.accessToken)).expect(200);
    const sessions = (response.body as { items: { device: string; ip: string; current: boolean }[] }).items;
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((session) => session.current)).toHaveLength(1);
    expect(sessions.map((session) => session.device)).toContain('Firefox on Windows');
  });
});

describe('DELETE /auth/sessions/:id', () => {
  it('when the user ends one of their sessions, then its access token stops', async () => {
    const account = await registerOwner(t);
    const other = (await login(t, account).expect(200)).body as { accessToken: string; refreshToken: string };
    const id = sessionIdOf(other.refreshToken) ?? '';
    await request(t.app).delete(`/auth/sessions/${id}`).set(bearer(account.accessToken)).expect(204);
    await me(other.accessToken).expect(401);
  });

  it("when a user ends another user's session by id, then it answers 404 and the session lives", async () => {
    const victim = await addMember(t, owner);
    const intruder = await registerOwner(t);
    const id = sessionIdOf(victim.refreshToken) ?? '';
    await request(t.app).delete(`/auth/sessions/${id}`).set(bearer(intruder.accessToken)).expect(404);
    await request(t.app).delete(`/auth/sessions/${id}`).set(bearer(owner.accessToken)).expect(404);
    await me(victim.accessToken).expect(200);
  });
});
