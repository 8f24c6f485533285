import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';
import { metricsAccess } from '../metrics/access.js';

// The manifest may allowlist loopback; each test sets the list itself. A blank value is an empty list.
const NOBODY = ' ';
const ELSEWHERE = '192.0.2.0/24';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('GET /metrics with METRICS_TOKEN', () => {
  it('when no token, a wrong token or another scheme is sent, then 401; with the token, then 200', async () => {
    t = await startTestApp({
      env: { METRICS_TOKEN: 'the-metrics-token-0123456789abcdef', OBSERVABILITY_METRICS_ALLOWLIST: ELSEWHERE },
    });
    const missing = await request(t.app).get('/metrics').expect(401);
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    expect(missing.headers['content-type']).toContain('application/problem+json');
    await request(t.app).get('/metrics').set('Authorization', 'Bearer the-metrics-token-0123456789abcdee').expect(401);
    await request(t.app).get('/metrics').set('Authorization', 'Basic the-metrics-token-0123456789abcdef').expect(401);
    const allowed = await request(t.app)
      .get('/metrics')
      .set('Authorization', 'Bearer the-metrics-token-0123456789abcdef')
      .expect(200);
    expect(allowed.text).toContain('http_requests_in_flight');
  });
});

describe('METRICS_TOKEN length', () => {
  it('when the token is shorter than 32 characters, then the app refuses to start; 32 are enough', () => {
    expect(() => metricsAccess({ token: 'x'.repeat(31), allowlist: [], production: true })).toThrow(
      /METRICS_TOKEN: must be at least 32 characters/,
    );
    expect(() => metricsAccess({ token: 'x'.repeat(32), allowlist: [], production: true })).not.toThrow();
  });
});

describe('GET /metrics with an address allowlist', () => {
  it('when the client address is not listed, then 403, and a forged X-Forwarded-For does not help', async () => {
    t = await startTestApp({ env: { OBSERVABILITY_METRICS_ALLOWLIST: '10.0.0.0/8', TRUST_PROXY: 'false' } });
    await request(t.app).get('/metrics').expect(403);
    await request(t.app).get('/metrics').set('X-Forwarded-For', '10.1.2.3').expect(403);
  });

  it('when the client address is listed, then 200', async () => {
    t = await startTestApp({ env: { OBSERVABILITY_METRICS_ALLOWLIST: '192.168.0.0/16,127.0.0.1,::1' } });
    await request(t.app).get('/metrics').expect(200);
  });
});

describe('GET /metrics and tenancy', () => {
  it('when a scrape names an unknown tenant, then it is answered all the same: it serves the platform, not a tenant', async () => {
    t = await startTestApp({ env: { OBSERVABILITY_METRICS_ALLOWLIST: NOBODY, CORE_TENANT_RESOLUTION: 'header' } });
    await request(t.app).get('/metrics').set('x-tenant-id', 'no-such-tenant').expect(200);
    await request(t.app).get('/widgets-that-do-not-exist').set('x-tenant-id', 'no-such-tenant').expect(400);
  });
});

describe('GET /metrics outside production', () => {
  it('when neither a token nor an allowlist is configured, then it is open for local use', async () => {
    t = await startTestApp({ env: { OBSERVABILITY_METRICS_ALLOWLIST: NOBODY } });
    await request(t.app).get('/metrics').expect(200);
  });
});

describe('GET /metrics in production', () => {
  it('when neither a token nor an allowlist is configured, then it fails closed with 403', async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production', OBSERVABILITY_METRICS_ALLOWLIST: NOBODY } });
    const response = await request(t.app).get('/metrics').expect(403);
    expect(response.body).toMatchObject({ status: 403, detail: expect.stringContaining('METRICS_TOKEN') as unknown });
  });

  it('when the allowlist names the scraper, then 200', async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production', OBSERVABILITY_METRICS_ALLOWLIST: '127.0.0.0/8,::1' } });
    await request(t.app).get('/metrics').expect(200);
  });
});
