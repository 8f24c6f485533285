import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('GET /ready with REDIS_URL', () => {
  it('when Redis does not answer, then 503 names the redis check', async () => {
    // A loopback port nothing listens on: connection refused, at once.
    t = await startTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    const response = await request(t.app).get('/ready').expect(503);
    expect(response.body).toMatchObject({
      detail: 'Not ready: redis.',
      checks: { database: { status: 'ok' }, redis: { status: 'failed' } },
    });
  });

  it.skipIf(process.env.REDIS_URL === undefined)('when Redis answers, then the redis check is ok', async () => {
    t = await startTestApp({ env: { REDIS_URL: process.env.REDIS_URL } });
    const response = await request(t.app).get('/ready').expect(200);
    expect(response.body).toMatchObject({ checks: { database: { status: 'ok' }, redis: { status: 'ok' } } });
  });
});

describe('GET /ready without REDIS_URL', () => {
  it('when no Redis is configured, then no redis check runs', async () => {
    t = await startTestApp({ env: { REDIS_URL: undefined } });
    const response = await request(t.app).get('/ready').expect(200);
    expect(Object.keys((response.body as { checks: object }).checks)).not.toContain('redis');
  });
});
