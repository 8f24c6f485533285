import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';

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
