import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { PromMetrics } from '../metrics/registry.js';
import { observeRequests } from '../request-observer.js';

describe('the route label', () => {
  it('when more than 500 route templates answer, then the ones past 500 share route="other"', async () => {
    const metrics = new PromMetrics([], { defaultMetrics: false });
    const app = express();
    app.use(observeRequests(metrics));
    for (let i = 0; i < 503; i++) {
      app.get(`/r${String(i)}/:id`, (_req, res) => {
        res.end();
      });
    }
    for (let i = 0; i < 503; i++)
      await request(app)
        .get(`/r${String(i)}/1`)
        .expect(200);
    await request(app).get('/r0/2').expect(200); // a template seen before the cap keeps its own series

    const counts = (await metrics.httpDuration.get()).values.filter(
      (value) => value.metricName === 'http_request_duration_seconds_count',
    );
    const routes = counts.map((value) => String(value.labels.route));
    expect(new Set(routes).size).toBe(501);
    expect(counts.find((value) => value.labels.route === 'other')?.value).toBe(3);
    expect(counts.find((value) => value.labels.route === '/r0/:id')?.value).toBe(2);
    expect(routes).not.toContain('/r500/:id');
  });
});
