import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppModule } from '../../core/index.js';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';
import { widgetsModule } from '../../core/testing/widgets/widgets.module.js';
import { UNMATCHED_ROUTE } from '../index.js';
import type { Sample } from '../testing/exposition.js';
import { scrape, SCRAPER_ENV } from '../testing/observe.js';

/** A module that declares its own metric through the contract, as billing or jobs would. */
const countingModule: AppModule = {
  name: 'test_counting',
  metrics: [
    { name: 'test_things_total', help: 'Things counted by the test module', type: 'counter', labelNames: ['kind'] },
  ],
};

let t: TestApp;
let tenant: string;
beforeAll(async () => {
  // Process metrics asserted below are on whatever the manifest says.
  t = await startTestApp({
    modules: [widgetsModule, countingModule],
    env: { ...SCRAPER_ENV, OBSERVABILITY_DEFAULT_METRICS: 'true' },
  });
  tenant = await t.newTenant();
});
afterAll(async () => {
  await t.close();
});

const samples = async (name: string): Promise<Sample[]> => (await scrape(t.app)).get(name)?.samples ?? [];
const requestCounts = async (route: string) =>
  (await samples('http_request_duration_seconds')).filter(
    (sample) => sample.name === 'http_request_duration_seconds_count' && sample.labels.route === route,
  );

describe('GET /metrics', () => {
  it('when scraped after traffic, then the exposition parses and holds the HTTP, DB, readiness and process series', async () => {
    await request(t.app).post('/widgets').set('x-tenant-id', tenant).send({ name: 'a' }).expect(201);
    const families = await scrape(t.app);

    const duration = families.get('http_request_duration_seconds');
    expect(duration?.type).toBe('histogram');
    const created = duration?.samples.filter(
      (sample) => sample.labels.route === '/widgets' && sample.labels.method === 'POST',
    );
    expect(created?.find((sample) => sample.name.endsWith('_count'))).toEqual({
      name: 'http_request_duration_seconds_count',
      labels: { method: 'POST', route: '/widgets', status: '201' },
      value: 1,
    });
    expect(created?.filter((sample) => sample.name.endsWith('_bucket')).map((sample) => sample.labels.le)).toContain(
      '+Inf',
    );
    expect(families.get('http_requests_in_flight')?.type).toBe('gauge');
    const inserts = families
      .get('db_query_duration_seconds')
      ?.samples.find((sample) => sample.name.endsWith('_count') && sample.labels.operation === 'insert');
    expect(inserts?.value).toBeGreaterThan(0);
    const pool = families.get('db_pool_connections')?.samples.map((sample) => sample.labels.state);
    expect(pool).toEqual(expect.arrayContaining(['in_use', 'idle', 'waiting']));
    expect(families.get('db_pool_max_connections')?.samples[0]?.value).toBeGreaterThanOrEqual(1);
    expect(families.get('app_ready')?.samples[0]?.value).toBe(1);
    expect(families.get('app_readiness_check_up')?.samples).toContainEqual({
      name: 'app_readiness_check_up',
      labels: { check: 'database' },
      value: 1,
    });
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it('when /widgets/1 … /widgets/500 and 500 unknown paths are hit, then each kind is one series', async () => {
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const n = String(batch * 50 + i + 1);
          return Promise.all([
            request(t.app).get(`/widgets/${n}`).set('x-tenant-id', tenant).expect(404),
            request(t.app).get(`/no-such-page/${n}`).expect(404),
          ]);
        }),
      );
    }
    const byId = await requestCounts('/widgets/:id');
    expect(byId).toEqual([
      {
        name: 'http_request_duration_seconds_count',
        labels: { method: 'GET', route: '/widgets/:id', status: '404' },
        value: 500,
      },
    ]);
    const unmatched = await requestCounts(UNMATCHED_ROUTE);
    expect(unmatched).toHaveLength(1);
    expect(unmatched[0]?.value).toBe(500);
    const routes = new Set((await samples('http_request_duration_seconds')).map((sample) => sample.labels.route));
    expect([...routes].filter((route) => route !== undefined && /\d/.test(route))).toEqual([]);
  });

  it.skipIf(process.env.DATABASE_URL === undefined)(
    'when a PostgreSQL connection is held, then the pool counts it in use and reports its real size',
    async () => {
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('SELECT 1');
        const families = await scrape(t.app);
        const inUse = families.get('db_pool_connections')?.samples.find((sample) => sample.labels.state === 'in_use');
        expect(inUse?.value).toBeGreaterThanOrEqual(1);
        // The size the data source configures, not the fallback of one that SQLite reports.
        const configured = (t.dataSource.options as { extra?: { max?: number } }).extra?.max;
        expect(configured).toBeGreaterThan(1);
        expect(families.get('db_pool_max_connections')?.samples[0]?.value).toBe(configured);
      } finally {
        await runner.release();
      }
    },
  );

  it('when the database reconnects, then its queries are still timed', async () => {
    const inserts = async () =>
      (await samples('db_query_duration_seconds')).find(
        (sample) => sample.name.endsWith('_count') && sample.labels.operation === 'insert',
      )?.value ?? 0;
    await t.dataSource.destroy();
    await t.dataSource.initialize();
    const before = await inserts();
    await request(t.app).post('/widgets').set('x-tenant-id', tenant).send({ name: 'after reconnect' }).expect(201);
    expect(await inserts()).toBe(before + 1);
  });

  it('when a module records a metric it declared, then it is exported; an undeclared name throws', async () => {
    t.instance.context.metrics.increment('test_things_total', { kind: 'apple' }, 3);
    expect(await samples('test_things_total')).toContainEqual({
      name: 'test_things_total',
      labels: { kind: 'apple' },
      value: 3,
    });
    expect(() => {
      t.instance.context.metrics.increment('test_undeclared_total');
    }).toThrow(/not declared/);
    expect(() => {
      t.instance.context.metrics.observe('test_things_total', 1);
    }).toThrow(/not declared as a histogram/);
  });
});
