import client from 'prom-client';
import type { ReadinessReport } from '../../core/index.js';
import type { PromMetrics } from './registry.js';

/** `app_ready` and one `app_readiness_check_up{check}` per check, run at each scrape (alerts read them). */
export function exportReadiness(metrics: PromMetrics, readiness: () => Promise<ReadinessReport>): void {
  let latest: Promise<ReadinessReport> | undefined;
  // Both gauges collect at the same scrape: run the checks once for both.
  const report = () => (latest ??= readiness().finally(() => setImmediate(() => (latest = undefined))));
  new client.Gauge({
    name: 'app_ready',
    help: '1 when every readiness check passes, 0 otherwise',
    registers: [metrics.registry],
    async collect() {
      this.set((await report()).ready ? 1 : 0);
    },
  });
  new client.Gauge({
    name: 'app_readiness_check_up',
    help: '1 when the readiness check passes, 0 when it fails or times out',
    labelNames: ['check'] as const,
    registers: [metrics.registry],
    async collect() {
      for (const [check, result] of Object.entries((await report()).checks))
        this.set({ check }, result.status === 'ok' ? 1 : 0);
    },
  });
}
