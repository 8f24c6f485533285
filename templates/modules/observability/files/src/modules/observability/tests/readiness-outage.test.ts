import { copyFileSync, renameSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';
import { promMetricsOf } from '../index.js';
import { scrape, SCRAPER_ENV } from '../testing/observe.js';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy.js';

/*
 * Real outages. PostgreSQL: the app reaches it through a TCP proxy on loopback, which the tests cut, close and
 * silence. SQLite: the database file is moved away or replaced under the running app.
 */
const databaseUrl = process.env.DATABASE_URL;

let proxy: TcpProxy;
let t: TestApp;
beforeAll(async () => {
  if (databaseUrl === undefined) return;
  const upstream = new URL(databaseUrl);
  proxy = await startTcpProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  // Production's timeouts (readiness 2 s, connect 5 s) scaled down, in the same order: /ready gives up first.
  t = await startTestApp({
    env: { DATABASE_URL: proxied.toString() },
    timeouts: { readinessMs: 500, connectMs: 1500 },
  });
});
afterAll(async () => {
  if (databaseUrl === undefined) return;
  await proxy.restore();
  await t.close();
  await proxy.close();
});

const readyStatus = async () => (await request(t.app).get('/ready')).status;
const poolConnections = async (state: 'in_use' | 'idle') =>
  (await promMetricsOf(t.instance.context).registry.getSingleMetric('db_pool_connections')?.get())?.values.find(
    (value) => value.labels.state === state,
  )?.value;
/** Connections the pool holds that are not idle: in use, or still connecting. */
const busyConnections = () => poolConnections('in_use');
/** Once the cut connections' close events are handled, the pool holds no idle one to hand out. */
const noIdleConnections = () => expect.poll(() => poolConnections('idle')).toBe(0);

describe.skipIf(databaseUrl === undefined)('GET /ready through a real PostgreSQL outage', () => {
  it('when PostgreSQL drops every connection and refuses new ones, then 503 names the database; when it is back, then 200', async () => {
    await request(t.app).get('/ready').expect(200);
    await proxy.refuse();
    await noIdleConnections();
    const down = await request(t.app).get('/ready').expect(503);
    expect(down.body).toMatchObject({
      detail: 'Not ready: database.',
      checks: { database: { status: 'failed', reason: 'error' } },
    });
    await proxy.restore();
    await expect.poll(readyStatus, { timeout: 5000 }).toBe(200);
  });

  it('when PostgreSQL accepts connections and never answers, then /ready times out and leaves no connection attempt behind', async () => {
    await request(t.app).get('/ready').expect(200);
    proxy.silence();
    await noIdleConnections();
    const down = await request(t.app).get('/ready').expect(503);
    expect(down.body).toMatchObject({ checks: { database: { status: 'failed', reason: 'timeout' } } });
    expect(await busyConnections()).toBeGreaterThanOrEqual(1); // the check's connection is still trying
    // The pool's connect timeout gives up on it: a silent host costs nothing once /ready has answered.
    await expect.poll(busyConnections, { timeout: 8000, interval: 250 }).toBe(0);
    await proxy.restore();
    await expect.poll(readyStatus, { timeout: 5000 }).toBe(200);
  }, 20_000);
});

describe.skipIf(databaseUrl !== undefined)('GET /ready through a real SQLite outage', () => {
  let sqlite: TestApp;
  let file: string;
  beforeAll(async () => {
    sqlite = await startTestApp({ env: SCRAPER_ENV });
    file = sqlite.config.env.SQLITE_PATH;
  });
  afterAll(async () => {
    await sqlite.close();
  });
  const appReady = async () => (await scrape(sqlite.app)).get('app_ready')?.samples[0]?.value;

  it('when the database file is moved away, then 503 names the database and app_ready is 0; when it is back, then 200', async () => {
    await request(sqlite.app).get('/ready').expect(200);
    renameSync(file, `${file}.moved`);
    try {
      const down = await request(sqlite.app).get('/ready').expect(503);
      expect(down.body).toMatchObject({
        detail: 'Not ready: database.',
        checks: { database: { status: 'failed', reason: 'error' } },
      });
      expect(await appReady()).toBe(0);
      await request(sqlite.app).get('/health').expect(200); // the process itself is alive
    } finally {
      renameSync(`${file}.moved`, file);
    }
    await request(sqlite.app).get('/ready').expect(200);
    expect(await appReady()).toBe(1);
  });

  it('when a copy of the database takes its place, then 503 (writes would go to the file moved away); when the file is back, then 200', async () => {
    renameSync(file, `${file}.moved`);
    try {
      copyFileSync(`${file}.moved`, file);
      const down = await request(sqlite.app).get('/ready').expect(503);
      expect(down.body).toMatchObject({ checks: { database: { status: 'failed', reason: 'error' } } });
    } finally {
      renameSync(`${file}.moved`, file);
    }
    await request(sqlite.app).get('/ready').expect(200);
  });
});
