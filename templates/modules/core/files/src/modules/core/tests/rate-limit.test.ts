import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
beforeAll(async () => {
  // REDIS_URL (when set) exercises the shared store; the limiter's counters then live in Redis.
  t = await startTestApp({
    env: { CORE_RATE_LIMIT_POINTS: '3', CORE_RATE_LIMIT_WINDOW_SECONDS: '60', REDIS_URL: process.env.REDIS_URL },
  });
});
afterAll(async () => {
  await t.close();
});

/** A fresh client address per test (trusted from loopback via X-Forwarded-For), so runs against Redis never share counters. */
function newClient(): string {
  const [a = 0, b = 0, c = 0] = randomBytes(3);
  return `10.${String(a)}.${String(b)}.${String(c)}`;
}

describe('rate limit', () => {
  it('when a client stays under the limit, then RateLimit headers count down', async () => {
    const ip = newClient();
    const response = await request(t.app).get('/health').set('X-Forwarded-For', ip).expect(200);
    expect(response.headers.ratelimit).toMatch(/^"global";r=\d+;t=\d+$/);
    expect(response.headers['ratelimit-policy']).toBe('"global";q=3;w=60');
  });

  it('when a client exceeds the limit, then it gets 429 with Retry-After and a problem body', async () => {
    const ip = newClient();
    for (let i = 0; i < 3; i += 1) await request(t.app).get('/health').set('X-Forwarded-For', ip).expect(200);
    const response = await request(t.app).get('/health').set('X-Forwarded-For', ip).expect(429);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.headers.ratelimit).toMatch(/^"global";r=0;t=\d+$/);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 429, type: 'urn:problem:rate-limited' });
  });

  it('when the limit is reached, then unknown routes are limited too', async () => {
    const ip = newClient();
    for (let i = 0; i < 3; i += 1) await request(t.app).get('/not-a-route').set('X-Forwarded-For', ip).expect(404);
    await request(t.app).get('/not-a-route').set('X-Forwarded-For', ip).expect(429);
  });
});

/*
 * Two replicas behind a load balancer must share one counter, or each would grant the full limit. The in-memory
 * fallback would pass every test above, so this one reads the counter in Redis itself.
 */
describe.skipIf(process.env.REDIS_URL === undefined)('rate limit shared through Redis', () => {
  let replica: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    replica = await startTestApp({
      env: { CORE_RATE_LIMIT_POINTS: '3', CORE_RATE_LIMIT_WINDOW_SECONDS: '60', REDIS_URL: process.env.REDIS_URL },
    });
    redis = new Redis(process.env.REDIS_URL ?? '');
  });
  afterAll(async () => {
    await replica.close();
    await redis.quit();
  });

  it('when one client spreads its requests over two app instances, then they count against one limit in Redis', async () => {
    const ip = newClient();
    await request(t.app).get('/health').set('X-Forwarded-For', ip).expect(200);
    await request(replica.app).get('/health').set('X-Forwarded-For', ip).expect(200);
    await request(t.app).get('/health').set('X-Forwarded-For', ip).expect(200);
    expect(await redis.get(`rl:global:${ip}`)).toBe('3');
    expect(await redis.pttl(`rl:global:${ip}`)).toBeGreaterThan(0);
    await request(replica.app).get('/health').set('X-Forwarded-For', ip).expect(429);
  });
});
