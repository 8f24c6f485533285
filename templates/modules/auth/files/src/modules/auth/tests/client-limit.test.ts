import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { startAuthTestApp, strongPassword, uniqueEmail } from '../testing/auth-helpers.js';

describe('per-address limit on auth endpoints', () => {
  it('when one address exceeds the limit, then it gets 429 with Retry-After', async () => {
    const limited = await startAuthTestApp({ auth: { loginIpLimit: 5 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const response = await request(limited.app)
          .post('/auth/login')
          .send({ email: uniqueEmail(), password: strongPassword(), tenant: 'acme' });
        statuses.push(response.status);
        if (response.status === 429) {
          expect(response.headers['retry-after']).toBeDefined();
          // The refusing limiter's headers, not the global limit's (which still has quota left).
          expect(response.headers['ratelimit-policy']).toBe('"auth-client";q=5;w=900');
          expect(response.headers.ratelimit).toMatch(/^"auth-client";r=0;t=\d+$/);
        }
      }
      expect(statuses.slice(0, 5).every((status) => status === 401)).toBe(true);
      expect(statuses.slice(5)).toEqual([429, 429]);
    } finally {
      await limited.close();
    }
  });

  it('when no proxy is trusted, then rotating X-Forwarded-For does not escape the limit', async () => {
    const limited = await startAuthTestApp({ auth: { loginIpLimit: 3 }, env: { TRUST_PROXY: 'false' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await request(limited.app)
          .post('/auth/login')
          .set('X-Forwarded-For', `203.0.113.${String(i + 1)}`)
          .send({ email: uniqueEmail(), password: strongPassword(), tenant: 'acme' });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});
