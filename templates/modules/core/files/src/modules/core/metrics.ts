/** Label values of one series; keep them few and bounded (never ids, paths or user input). */
export type MetricLabels = Readonly<Record<string, string | number>>;

/** A metric a module declares in its `metrics` list; it is recorded through `context.metrics`. */
export interface MetricSpec {
  /** Prometheus style: snake_case with a unit suffix, e.g. `billing_invoices_issued_total`, `jobs_duration_seconds`. */
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  labelNames?: readonly string[];
  /** Histogram bucket upper bounds, ascending. */
  buckets?: readonly number[];
}

/** Records declared metrics. Without a module that exports metrics, every call is checked and then dropped. */
export interface Metrics {
  increment(name: string, labels?: MetricLabels, value?: number): void;
  set(name: string, value: number, labels?: MetricLabels): void;
  observe(name: string, value: number, labels?: MetricLabels): void;
}

/** The default backend: refuses names no module declared (or of the wrong type), records nothing. */
export function noopMetrics(declared: readonly MetricSpec[]): Metrics {
  const types = new Map(declared.map((spec) => [spec.name, spec.type]));
  const check = (name: string, type: MetricSpec['type']) => {
    if (types.get(name) !== type)
      throw new Error(`metric ${name} is not declared as a ${type} in any module's \`metrics\``);
  };
  return {
    increment: (name) => {
      check(name, 'counter');
    },
    set: (name) => {
      check(name, 'gauge');
    },
    observe: (name) => {
      check(name, 'histogram');
    },
  };
}
