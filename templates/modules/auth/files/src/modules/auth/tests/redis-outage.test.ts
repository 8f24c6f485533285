import { createServer, connect, type Server, type Socket } from 'node:net';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  login,
  registerOwner,
  startAuthTestApp,
  strongPassword,
  uniqueEmail,
} from '../testing/auth-helpers.js';

/*
 * With several replicas, limits counted in each replica's memory would multiply an attacker's guesses by the
 * replica count, and a revoked token would work again on the replicas that missed the revocation. So while the
 * Redis that REDIS_URL names is down, auth fails closed: 503 with Retry-After, never "no limit".
 */
describe('auth while the configured Redis is unreachable', () => {
  it('when Redis was never reachable, then login and register answer 503 however often they are tried', async () => {
    const broken = await startAuthTestApp({ auth: { loginIpLimit: 3 }, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      for (let attempt = 0; attempt < 6; attempt++) {
        const response = await request(broken.app)
          .post('/auth/login')
          .send({ email: uniqueEmail(), password: strongPassword(), tenant: 'acme' });
        expect(response.status).toBe(503);
        expect(response.headers['retry-after']).toBe('5');
      }
      await request(broken.app)
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: strongPassword(), tenantName: 'Acme' })
        .expect(503);
    } finally {
      // Core's limiter store rejects `quit` on a connection that never opened; the database still closes.
      await broken.close().catch(() => undefined);
    }
  });
});

describe.skipIf(process.env.REDIS_URL === undefined)('auth when Redis goes away and comes back', () => {
  it('when the connection is cut, then login, register and token use answer 503; when it returns, they work again', async () => {
    const redis = new URL(process.env.REDIS_URL ?? '');
    const proxy = await cuttableProxy(redis.hostname, Number(redis.port || 6379));
    redis.host = `127.0.0.1:${String(proxy.port)}`;
    const t = await startAuthTestApp({ env: { REDIS_URL: redis.toString() } });
    try {
      const owner = await registerOwner(t);
      await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(200);

      await proxy.cut();
      await login(t, owner).expect(503);
      await request(t.app)
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: strongPassword(), tenantName: 'Beta' })
        .expect(503);
      await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(503);

      await proxy.restore();
      // ioredis reconnects on its own, with back-off.
      await expect.poll(async () => (await login(t, owner)).status, { timeout: 10_000, interval: 200 }).toBe(200);
      await request(t.app).get('/auth/me').set(bearer(owner.accessToken)).expect(200);
    } finally {
      await t.close();
      await proxy.cut();
    }
  });
});

/** A TCP relay to Redis that a test can cut (every connection dropped, new ones refused) and restore on the same port. */
async function cuttableProxy(
  host: string,
  port: number,
): Promise<{ port: number; cut: () => Promise<void>; restore: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (at: number) =>
    new Promise<number>((resolve, reject) => {
      const relay = createServer((client) => {
        const upstream = connect(port, host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      relay.once('error', reject);
      relay.listen(at, '127.0.0.1', () => {
        server = relay;
        const address = relay.address();
        resolve(typeof address === 'object' && address !== null ? address.port : at);
      });
    });
  const listening = await listen(0);
  return {
    port: listening,
    cut: async () => {
      const closing = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      if (closing !== undefined) await new Promise((resolve) => closing.close(resolve));
    },
    restore: async () => {
      await listen(listening);
    },
  };
}
