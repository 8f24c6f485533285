import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineRoute, type AppModule } from '../../core/index.js';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';
import { modules as installedModules } from '../../../modules.js';
import { captureLogs, scrape, SCRAPER_ENV, type CapturedLogs } from '../testing/observe.js';

/** GET /slow answers only when the test releases it, so a request can be caught while it is in flight. */
let entered: () => void = () => undefined;
let release: () => void = () => undefined;
const slowModule: AppModule = {
  name: 'test_slow',
  setup: () => ({
    routes: [
      defineRoute({
        method: 'get',
        path: '/slow',
        public: true,
        summary: 'Answers when the test says so',
        responses: { 200: { description: 'Released' } },
        handler: async () => {
          entered();
          await new Promise<void>((resolve) => (release = resolve));
          return { released: true };
        },
      }),
    ],
  }),
};
/** Resolves once GET /slow is inside its handler. */
const inHandler = () => new Promise<void>((resolve) => (entered = resolve));

let logs: CapturedLogs;
let t: TestApp;
let server: Server;
beforeAll(async () => {
  logs = captureLogs([...installedModules, slowModule]);
  // The compact writer is the one that logs a hang-up as `request aborted`, whatever the manifest picked.
  t = await startTestApp({
    modules: [slowModule],
    logger: logs.logger,
    env: { ...SCRAPER_ENV, OBSERVABILITY_ACCESS_LOG: 'compact' },
  });
  server = await new Promise<Server>((resolve) => {
    const listening = t.app.listen(0, '127.0.0.1', () => {
      resolve(listening);
    });
  });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

const inFlight = async () => (await scrape(t.app)).get('http_requests_in_flight')?.samples[0]?.value;
const slowCount = async (status: string) =>
  (await scrape(t.app))
    .get('http_request_duration_seconds')
    ?.samples.find(
      (sample) =>
        sample.name === 'http_request_duration_seconds_count' &&
        sample.labels.route === '/slow' &&
        sample.labels.status === status,
    )?.value;

describe('http_requests_in_flight', () => {
  it('when a request is being served, then the gauge counts it, and no longer once it is answered', async () => {
    const idle = await inFlight(); // the scrape itself is in flight while it reads the gauge
    const reached = inHandler();
    const pending = request(t.app)
      .get('/slow')
      .then((response) => response.status); // then() sends it
    await reached;
    expect(await inFlight()).toBe((idle ?? 0) + 1);
    release();
    expect(await pending).toBe(200);
    expect(await inFlight()).toBe(idle);
  });
});

describe('a client that hangs up before the answer', () => {
  it('when the connection closes mid-request, then the request counts with status 499 and logs as aborted', async () => {
    const before = (await slowCount('499')) ?? 0;
    const reached = inHandler();
    const { port } = server.address() as AddressInfo;
    const client = httpRequest({ host: '127.0.0.1', port, path: '/slow' });
    client.on('error', () => undefined); // the hang-up is the point
    client.end();
    await reached;
    client.destroy();
    await expect.poll(() => slowCount('499')).toBe(before + 1);
    release();
    const aborted = logs.lines().filter((line) => line.msg === 'request aborted');
    expect(aborted).toHaveLength(1);
    expect(aborted[0]).toMatchObject({ level: 40, req: { method: 'GET', path: '/slow' }, res: { status: 499 } });
  });
});
