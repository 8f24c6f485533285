import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDataSource } from '../../../db/data-source.js';
import { runReadiness } from '../health/readiness.js';
import { createLogger } from '../logger.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { testConfig } from '../testing/test-config.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('GET /health', () => {
  it('when the process runs, then it answers 200 ok', async () => {
    const response = await request(t.app).get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });
});

describe('GET /ready', () => {
  it('when the database answers, then it is ready', async () => {
    const response = await request(t.app).get('/ready').expect(200);
    expect(response.body).toMatchObject({ status: 'ready', checks: { database: { status: 'ok' } } });
  });

  it('when the database is gone, then it answers 503 problem+json', async () => {
    const broken = await startTestApp();
    await broken.dataSource.destroy();
    const response = await request(broken.app).get('/ready').expect(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 503, checks: { database: { status: 'failed', reason: 'error' } } });
    await broken.instance.stop();
  });
});

// Outage tests run with shorter timeouts (startTestApp's `timeouts`); these pin the ones production runs with.
describe('production timeouts', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when a readiness check names no timeout, then it fails as a timeout after 2000 ms, not before', async () => {
    vi.useFakeTimers();
    const report = runReadiness(
      [{ name: 'silent', check: () => new Promise<void>(() => undefined) }],
      createLogger(t.config),
    );
    let settled = false;
    void report.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(1999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    expect((await report).checks.silent).toMatchObject({ status: 'failed', reason: 'timeout' });
  });

  it('when PostgreSQL is configured, then the pool gives up on a connection after 5000 ms', () => {
    const postgres = createDataSource(testConfig({ DATABASE_URL: 'postgres://app@127.0.0.1:5432/app' }));
    expect(postgres.options).toMatchObject({ type: 'postgres', extra: { connectionTimeoutMillis: 5000 } });
  });
});
