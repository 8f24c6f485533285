import client from 'prom-client';
import type { MetricLabels, Metrics, MetricSpec } from '../../core/index.js';

/** Request durations from 5 ms to 10 s: fine where APIs answer, coarse where only alerts look. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const DB_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

type Labels = Record<string, string | number>;

/**
 * prom-client behind core's `Metrics` interface. One registry per app instance, so two apps in one process
 * (tests, the bench) never collide; every module's declared metrics live in it next to the HTTP and DB ones.
 */
export class PromMetrics implements Metrics {
  readonly registry = new client.Registry();
  readonly httpDuration: client.Histogram<'method' | 'route' | 'status'>;
  readonly httpInFlight: client.Gauge;
  readonly dbDuration: client.Histogram<'operation'>;
  readonly dbErrors: client.Counter<'operation'>;
  /** Requests being served: a plain count the in-flight gauge reads at each scrape, not two gauge updates per request. */
  inFlight = 0;
  private readonly counters = new Map<string, client.Counter>();
  private readonly gauges = new Map<string, client.Gauge>();
  private readonly histograms = new Map<string, client.Histogram>();

  constructor(declared: readonly MetricSpec[], options: { defaultMetrics: boolean }) {
    const registers = [this.registry];
    if (options.defaultMetrics) client.collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: HTTP_DURATION_BUCKETS,
      registers,
    });
    const inFlight = () => this.inFlight;
    this.httpInFlight = new client.Gauge({
      name: 'http_requests_in_flight',
      help: 'HTTP requests being served',
      registers,
      collect() {
        this.set(inFlight());
      },
    });
    this.dbDuration = new client.Histogram({
      name: 'db_query_duration_seconds',
      help: 'Database query duration by SQL operation',
      labelNames: ['operation'] as const,
      buckets: DB_DURATION_BUCKETS,
      registers,
    });
    this.dbErrors = new client.Counter({
      name: 'db_query_errors_total',
      help: 'Database queries that failed, by SQL operation',
      labelNames: ['operation'] as const,
      registers,
    });
    for (const spec of declared) this.declare(spec);
  }

  private declare({ name, help, type, labelNames = [], buckets }: MetricSpec): void {
    if (this.registry.getSingleMetric(name) !== undefined) throw new Error(`metric ${name} is declared twice`);
    const common = { name, help, labelNames: [...labelNames], registers: [this.registry] };
    if (type === 'counter') this.counters.set(name, new client.Counter(common));
    else if (type === 'gauge') this.gauges.set(name, new client.Gauge(common));
    else
      this.histograms.set(
        name,
        new client.Histogram({ ...common, ...(buckets === undefined ? {} : { buckets: [...buckets] }) }),
      );
  }

  private find<T>(map: Map<string, T>, name: string, type: MetricSpec['type']): T {
    const metric = map.get(name);
    if (metric === undefined)
      throw new Error(`metric ${name} is not declared as a ${type} in any module's \`metrics\``);
    return metric;
  }

  increment(name: string, labels: MetricLabels = {}, value = 1): void {
    this.find(this.counters, name, 'counter').inc(labels as Labels, value);
  }

  set(name: string, value: number, labels: MetricLabels = {}): void {
    this.find(this.gauges, name, 'gauge').set(labels as Labels, value);
  }

  observe(name: string, value: number, labels: MetricLabels = {}): void {
    this.find(this.histograms, name, 'histogram').observe(labels as Labels, value);
  }
}
