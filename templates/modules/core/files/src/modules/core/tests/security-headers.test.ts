import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { CORE_CORS_ORIGINS: 'https://app.example.test' } });
});
afterAll(async () => {
  await t.close();
});

describe('security headers', () => {
  it('when any route answers, then helmet headers, no-store and a request id are set, and x-powered-by is not', async () => {
    const response = await request(t.app).get('/health').expect(200);
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('when an error is answered, then it carries the same headers', async () => {
    const response = await request(t.app).get('/no-such-route').expect(404);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-store');
  });
});

describe('CORS', () => {
  it('when an allowed origin calls, then it is allowed with credentials', async () => {
    const response = await request(t.app).get('/health').set('Origin', 'https://app.example.test').expect(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.test');
    expect(response.headers['access-control-allow-credentials']).toBe('true');
  });

  it('when another origin calls, then no CORS header lets the browser read the answer', async () => {
    const response = await request(t.app).get('/health').set('Origin', 'https://evil.example.test').expect(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when a preflight comes from an allowed origin, then it lists the CSRF and tenant headers', async () => {
    const response = await request(t.app)
      .options('/widgets')
      .set('Origin', 'https://app.example.test')
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(response.headers['access-control-allow-headers']).toContain('X-CSRF-Token');
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('x-tenant-id');
  });

  it('when the tenant header is renamed, then a preflight allows the configured name', async () => {
    const renamed = await startTestApp({
      env: { CORE_CORS_ORIGINS: 'https://app.example.test', CORE_TENANT_HEADER: 'x-org' },
    });
    try {
      const response = await request(renamed.app)
        .options('/widgets')
        .set('Origin', 'https://app.example.test')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'x-org')
        .expect(204);
      const allowed = String(response.headers['access-control-allow-headers'])
        .toLowerCase()
        .split(/\s*,\s*/);
      expect(allowed).toContain('x-org');
      expect(allowed).not.toContain('x-tenant-id');
    } finally {
      await renamed.close();
    }
  });
});
