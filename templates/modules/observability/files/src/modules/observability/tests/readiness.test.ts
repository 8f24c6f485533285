import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppModule } from '../../core/index.js';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';
import { scrape, SCRAPER_ENV } from '../testing/observe.js';

let slow = false;
/** A module contributing its own readiness check, which hangs while `slow` is set. */
const dependentModule: AppModule = {
  name: 'test_dependent',
  setup: () => ({
    readiness: [
      {
        name: 'search_index',
        timeoutMs: 100,
        check: () => (slow ? new Promise<void>(() => undefined) : Promise.resolve()),
      },
    ],
  }),
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ modules: [dependentModule], env: SCRAPER_ENV });
});
afterAll(async () => {
  await t.close();
});

describe('GET /ready', () => {
  it('when every dependency answers, then 200 with each check', async () => {
    const response = await request(t.app).get('/ready').expect(200);
    expect(response.body).toMatchObject({
      status: 'ready',
      checks: { database: { status: 'ok' }, search_index: { status: 'ok' } },
    });
  });

  it('when the data source is closed, then 503 with per-check detail and app_ready 0; when it is open again, then 200', async () => {
    await t.dataSource.destroy();
    try {
      const down = await request(t.app).get('/ready').expect(503);
      expect(down.headers['content-type']).toContain('application/problem+json');
      expect(down.body).toMatchObject({
        checks: { database: { status: 'failed', reason: 'error' }, search_index: { status: 'ok' } },
      });
      const families = await scrape(t.app);
      expect(families.get('app_ready')?.samples[0]?.value).toBe(0);
      expect(families.get('app_readiness_check_up')?.samples).toContainEqual({
        name: 'app_readiness_check_up',
        labels: { check: 'database' },
        value: 0,
      });
    } finally {
      await t.dataSource.initialize();
    }
    const back = await request(t.app).get('/ready').expect(200);
    expect(back.body).toMatchObject({ status: 'ready', checks: { database: { status: 'ok' } } });
  });

  it("when a module's check hangs past its timeout, then 503 names it as timed out", async () => {
    slow = true;
    try {
      const response = await request(t.app).get('/ready').expect(503);
      expect(response.body).toMatchObject({
        detail: 'Not ready: search_index.',
        checks: { database: { status: 'ok' }, search_index: { status: 'failed', reason: 'timeout' } },
      });
      const body = response.body as { checks: Record<string, { ms: number }> };
      expect(body.checks.search_index?.ms).toBeGreaterThanOrEqual(90);
    } finally {
      slow = false;
    }
  });
});
