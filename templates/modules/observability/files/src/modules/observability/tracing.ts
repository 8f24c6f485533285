import type { RequestOptions } from 'node:http';
import { createRequire } from 'node:module';
import { isIPv6 } from 'node:net';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';

/** Span attributes of the stable HTTP semantic conventions that hold a query string. */
const ATTR_URL_QUERY = 'url.query';
const ATTR_URL_FULL = 'url.full';

/** The URL an outgoing request goes to, without its query string. */
export function urlWithoutQuery(options: RequestOptions): string {
  const name = options.hostname ?? options.host ?? 'localhost';
  // An IPv6 address goes in brackets; any other name with a colon is a `host` that already carries its port.
  const ipv6 = isIPv6(name);
  const port =
    options.port === undefined || options.port === null || (!ipv6 && name.includes(':'))
      ? ''
      : `:${String(options.port)}`;
  return `${options.protocol ?? 'http:'}//${ipv6 ? `[${name}]` : name}${port}${(options.path ?? '/').split('?', 1)[0] ?? '/'}`;
}

export interface TracingOptions {
  /** OTLP/HTTP base URL, e.g. http://otel-collector:4318; undefined leaves tracing off. */
  endpoint: string | undefined;
  serviceName: string;
}

let sdk: NodeSDK | undefined;

/*
 * Libraries imported by the app's ES modules before the SDK starts (express, ioredis, http) are patched when
 * required once more: their instrumentations wrap prototypes, which every existing instance shares.
 */
const INSTRUMENTED = ['http', 'https', 'express', 'pg', 'pg-pool', 'ioredis'];

/**
 * Starts the OpenTelemetry Node SDK (HTTP, Express, PostgreSQL, Redis instrumentation, OTLP/HTTP export) when an
 * endpoint is set. Without one nothing is loaded: tracing off costs one `undefined` check per request and log line.
 */
export async function startTracing({ endpoint, serviceName }: TracingOptions): Promise<boolean> {
  if (endpoint === undefined) return false;
  if (sdk !== undefined) return true;
  const [
    { NodeSDK },
    { OTLPTraceExporter },
    { HttpInstrumentation },
    { ExpressInstrumentation },
    { PgInstrumentation },
    { IORedisInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  // Metrics go to Prometheus and logs to stdout: unless asked for, the SDK must not export either over OTLP.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  sdk = new NodeSDK({
    serviceName,
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }),
    instrumentations: [
      // A query string may carry a token (?token=, ?code=): the collector gets the path only. Attributes the hooks
      // return override the instrumentation's own, and an undefined value is never set on the span.
      new HttpInstrumentation({
        startIncomingSpanHook: () => ({ [ATTR_URL_QUERY]: undefined }),
        startOutgoingSpanHook: (options) =>
          options.path?.includes('?') === true ? { [ATTR_URL_FULL]: urlWithoutQuery(options) } : {},
      }),
      new ExpressInstrumentation(),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();
  const require = createRequire(import.meta.url);
  for (const name of INSTRUMENTED) {
    try {
      require(name);
    } catch {
      // Not installed (e.g. pg on an SQLite-only deployment): nothing to patch.
    }
  }
  return true;
}

/** Flushes pending spans and stops the SDK; a no-op when tracing is off. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

/** The ids of a span, as log lines carry them. */
export interface TraceIds {
  traceId: string;
  spanId: string;
}

/** The ids of the active span, for log lines; undefined when tracing is off or nothing is traced. */
export function currentTraceIds(): TraceIds | undefined {
  if (sdk === undefined) return undefined; // off: no span can be active, so skip the context lookup (every line asks)
  const context = trace.getActiveSpan()?.spanContext();
  return context !== undefined && isSpanContextValid(context)
    ? { traceId: context.traceId, spanId: context.spanId }
    : undefined;
}
