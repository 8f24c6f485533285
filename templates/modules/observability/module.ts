import { isIP } from 'node:net';
import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';
import { observabilityServices } from './compose.js';

/** `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`: an address, or a subnet with a prefix length its family allows. */
const addressOrSubnet = (entry: string) => {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  return family !== 0 && extra === undefined && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)));
};
/** A share strictly between 0 and 1: a threshold of 1 could never be exceeded. */
const ratio = () => z.number().gt(0).lt(1);

export default defineModule({
  name: 'observability',
  summary: 'Prometheus metrics, pino structured logs, health checks and OpenTelemetry tracing',
  tier: 'core',
  status: 'implemented',
  dependsOn: ['core'],
  tables: [],
  generateOnly: ['alert_error_rate', 'alert_latency_p95_seconds', 'alert_event_loop_lag_seconds', 'alert_db_pool_saturation', 'alert_for_minutes'],
  config: z
    .object({
      metrics_allowlist: z
        .array(z.string().refine(addressOrSubnet, 'expected an IP address or a CIDR subnet such as 10.0.0.0/8'))
        .default([])
        .describe('Addresses or CIDR subnets that may read /metrics without METRICS_TOKEN (e.g. 10.0.0.0/8)'),
      access_log: z
        .enum(['compact', 'pino-http'])
        .default('compact')
        .describe('Access log writer: compact (one line from the app logger) or pino-http (adds req.log, costs more per request)'),
      default_metrics: z.boolean().default(true).describe('Also export Node.js process metrics (CPU, memory, event loop lag, GC, handles)'),
      pretty_logs: z.boolean().default(true).describe('In development, print logs through pino-pretty when it is installed; JSON everywhere else'),
      alert_error_rate: ratio().default(0.05).describe('Alert when more than this share of requests answer 5xx over the alert window'),
      alert_latency_p95_seconds: z
        .number()
        .gt(0)
        .lt(10)
        .default(0.5)
        .describe('Alert when the 95th percentile request duration exceeds this many seconds (below 10, the largest histogram bucket)'),
      alert_event_loop_lag_seconds: z.number().gt(0).max(60).default(0.2).describe('Alert when the p99 event-loop lag exceeds this many seconds (CPU saturation)'),
      alert_db_pool_saturation: ratio().default(0.9).describe('Alert when this share of the database pool is in use or waited for'),
      alert_for_minutes: z.number().int().min(1).max(60).default(5).describe('How long a condition must hold before an alert fires, in minutes'),
    })
    .strict(),
  dependencies: [
    'pino', 'pino-http', 'prom-client', '@opentelemetry/api', '@opentelemetry/sdk-node', '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-express', '@opentelemetry/instrumentation-pg',
    '@opentelemetry/instrumentation-ioredis',
  ],
  devDependencies: ['pino-pretty'],
  env: [
    { name: 'METRICS_TOKEN', kind: 'string', secret: true, generate: 'token', description: 'Bearer token (at least 32 characters) that may read /metrics; without it and without an allowlist, /metrics is closed in production' },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', kind: 'url', description: 'OTLP/HTTP collector base URL (e.g. http://otel-collector:4318); unset turns tracing off' },
    { name: 'OTEL_SERVICE_NAME', kind: 'string', description: 'Service name on exported spans; defaults to the npm package name when started through npm, else app' },
  ],
  compose: observabilityServices,
  scripts: { 'bench:observability': 'tsx bench/observability.ts' },
});
