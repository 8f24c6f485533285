import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';
import { widgetsModule } from '../../core/testing/widgets/widgets.module.js';
import { modules as installedModules } from '../../../modules.js';
import { testConfig } from '../../core/testing/test-config.js';
import { observabilityModule } from '../index.js';
import { startTracing, stopTracing, urlWithoutQuery } from '../tracing.js';
import { captureLogs, type CapturedLogs } from '../testing/observe.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../testing/otlp-receiver.js';

/** Sent in a query string: it must not reach the collector. */
const QUERY_SECRET = 'query-token-secret-0001';

let receiver: OtlpReceiver;
let logs: CapturedLogs;
let t: TestApp;
let stopAtExit: (() => Promise<void>) | undefined;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  logs = captureLogs([...installedModules, widgetsModule]);
  // As src/main.ts does: onBoot starts tracing from the config, then the data source and the app start.
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_SERVICE_NAME: 'tracing-test',
    REDIS_URL: process.env.REDIS_URL,
  };
  stopAtExit = await observabilityModule.onBoot?.(testConfig(env), logs.logger);
  expect(stopAtExit).toBe(stopTracing);
  expect(logs.lines().find((line) => line.msg === 'tracing on')).toMatchObject({
    endpoint: receiver.endpoint,
    serviceName: 'tracing-test',
  });
  // With REDIS_URL, the rate limiter counts each request in Redis: its commands belong to the request's trace.
  t = await startTestApp({ modules: [widgetsModule], logger: logs.logger, env });
});
afterAll(async () => {
  await t.close();
  await stopAtExit?.();
  await receiver.close();
});

describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('when a request is served, then its log lines carry the trace id of the spans exported over OTLP', async () => {
    const tenant = await t.newTenant();
    const response = await request(t.app)
      .post(`/widgets?token=${QUERY_SECRET}`)
      .set('x-tenant-id', tenant)
      .send({ name: 'traced' })
      .expect(201);
    const line = logs
      .lines()
      .find((entry) => entry.msg === 'request' && entry.requestId === response.headers['x-request-id']);
    const traceId = line?.traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(line?.spanId).toMatch(/^[0-9a-f]{16}$/);

    await stopTracing(); // flushes every pending span to the receiver
    const trace = receiver.spans.filter((span) => span.traceId === traceId);
    const server = trace.find((span) => span.kind === 2);
    expect(server?.attributes['http.route'] ?? server?.name).toContain('/widgets');
    expect(trace.map((span) => span.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(middleware|request handler)/) as unknown]),
    );
    expect(server?.attributes['url.path']).toBe('/widgets');
    expect(JSON.stringify(receiver.spans)).not.toContain(QUERY_SECRET);
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set(['tracing-test']));
    const database = (span: ReceivedSpan) => span.attributes['db.system.name'] ?? span.attributes['db.system'];
    if (process.env.REDIS_URL !== undefined) expect(trace.some((span) => database(span) === 'redis')).toBe(true);
    if (process.env.DATABASE_URL !== undefined) {
      // The INSERT ran inside the request: its PostgreSQL span belongs to the same trace.
      expect(trace.some((span) => database(span) === 'postgresql' && span.name.includes('INSERT'))).toBe(true);
    }
  });
});

describe('tracing without an endpoint', () => {
  it('when OTEL_EXPORTER_OTLP_ENDPOINT is unset, then nothing starts', async () => {
    expect(await startTracing({ endpoint: undefined, serviceName: 'off' })).toBe(false);
  });
});

describe('the URL of an outgoing request with a query string, as its span records it', () => {
  it('when the request names a host, an IPv4 or an IPv6 address, then the URL keeps the port and drops the query', () => {
    expect(
      urlWithoutQuery({ hostname: 'api.example.test', port: 8443, protocol: 'https:', path: '/v1/x?token=t' }),
    ).toBe('https://api.example.test:8443/v1/x');
    expect(urlWithoutQuery({ host: 'api.example.test:8080', port: 8080, path: '/y?code=c' })).toBe(
      'http://api.example.test:8080/y',
    );
    expect(urlWithoutQuery({ hostname: '127.0.0.1', port: 3000, path: '/z?k=v' })).toBe('http://127.0.0.1:3000/z');
    expect(urlWithoutQuery({ hostname: '::1', port: 3000, path: '/z?k=v' })).toBe('http://[::1]:3000/z');
  });
});
