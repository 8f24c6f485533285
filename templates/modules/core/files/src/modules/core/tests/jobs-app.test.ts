import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppModule } from '../contract.js';
import { defineRoute } from '../http/route.js';
import { findCurrentTenantId } from '../tenancy/tenant-context.js';
import { startTestApp } from '../testing/test-app.js';

declare module '../contract.js' {
  interface JobPayloads {
    'test.jobs.welcome': { marker: string; sleepMs: number };
  }
}

interface Sent {
  marker: string;
  tenant: string | undefined;
  finished: boolean;
}

/** A module that defines a job when the app is assembled and enqueues it from a route, as billing's inbox will. */
function welcomeModule(sent: Sent[]): AppModule {
  return {
    name: 'test_welcome',
    setup: (context) => {
      context.jobs.define('test.jobs.welcome', async ({ marker, sleepMs }) => {
        const entry: Sent = { marker, tenant: findCurrentTenantId(), finished: false };
        sent.push(entry);
        await new Promise((resolve) => setTimeout(resolve, sleepMs));
        entry.finished = true;
      });
      return {
        routes: [
          defineRoute({
            method: 'post',
            path: '/welcome',
            public: true,
            summary: 'Send a welcome in the background',
            request: { body: z.object({ marker: z.string(), sleepMs: z.number().int().min(0).max(1000) }) },
            status: 202,
            responses: { 202: { description: 'Queued' } },
            handler: async ({ body }) => ({ jobId: await context.jobs.enqueue('test.jobs.welcome', body) }),
          }),
        ],
      };
    },
  };
}

const redisUrl = process.env.REDIS_URL;
const backends: { label: string; env: Record<string, string>; skip: boolean }[] = [
  { label: 'in this process', env: {}, skip: false },
  {
    label: `on BullMQ and Redis${redisUrl === undefined ? ' (SKIPPED: REDIS_URL is not set)' : ''}`,
    env: redisUrl === undefined ? {} : { REDIS_URL: redisUrl },
    skip: redisUrl === undefined,
  },
];

for (const { label, env, skip } of backends) {
  describe.skipIf(skip)(`the app's background jobs ${label}`, () => {
    it('when a route enqueues a job, then it runs as the request`s tenant, and stopping the app waits for it', async () => {
      const sent: Sent[] = [];
      const t = await startTestApp({ env, modules: [welcomeModule(sent)] });
      const marker = `welcome-${randomBytes(4).toString('hex')}`;
      try {
        const tenant = await t.newTenant();
        const response = await request(t.app)
          .post('/welcome')
          .set('x-tenant-id', tenant)
          .send({ marker, sleepMs: 400 })
          .expect(202);
        expect(response.body).toEqual({ jobId: expect.any(String) as string });
        for (let waited = 0; !sent.some((entry) => entry.marker === marker) && waited < 10_000; waited += 25) {
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(sent.find((entry) => entry.marker === marker)).toMatchObject({ tenant, finished: false });
      } finally {
        await t.close();
      }
      expect(sent.find((entry) => entry.marker === marker)?.finished).toBe(true);
    });
  });
}
