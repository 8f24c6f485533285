/*
 * The observability module's public surface. Other modules declare metrics in their own `metrics` list (core's
 * contract) and record them with `context.metrics`; they never import prom-client or this folder.
 */
import type { AppModule, ModuleContext } from '../core/index.js';
import { compactAccessLine, loggingExtension, pinoHttpAccessLog } from './logging.js';
import { metricsAccess } from './metrics/access.js';
import { instrumentDatabase } from './metrics/database.js';
import { exportReadiness } from './metrics/readiness.js';
import { PromMetrics } from './metrics/registry.js';
import { observeRequests } from './request-observer.js';
import { metricsRoutes, metricsSecuritySchemes } from './routes.js';
import { startTracing, stopTracing } from './tracing.js';

export { PromMetrics } from './metrics/registry.js';
export { UNMATCHED_ROUTE } from './metrics/http.js';
export { startTracing, stopTracing, currentTraceIds } from './tracing.js';

/** This app's prom-client registry, when observability provides the metrics backend. */
export function promMetricsOf(context: ModuleContext): PromMetrics {
  if (!(context.metrics instanceof PromMetrics))
    throw new Error('observability: another module provides the metrics backend');
  return context.metrics;
}

export const observabilityModule: AppModule = {
  name: 'observability',
  description: 'Prometheus metrics',
  securitySchemes: () => metricsSecuritySchemes,
  // Prometheus scrapes the whole app, not a tenant.
  platformPaths: ['/metrics'],
  metricsBackend: (declared, config) =>
    new PromMetrics(declared, { defaultMetrics: config.observability.defaultMetrics }),
  logging: loggingExtension,
  // Tracing patches libraries process-wide, so it belongs to the process (src/main.ts), not to one app.
  onBoot: async (config, logger) => {
    const serviceName = config.env.OTEL_SERVICE_NAME ?? process.env.npm_package_name ?? 'app';
    if (!(await startTracing({ endpoint: config.env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName }))) return undefined;
    logger.info({ endpoint: config.env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName }, 'tracing on');
    return stopTracing;
  },
  setup: (context) => {
    const metrics = promMetricsOf(context);
    const usesPinoHttp = context.config.observability.accessLog === 'pino-http';
    const access = metricsAccess({
      token: context.config.env.METRICS_TOKEN,
      allowlist: context.config.observability.metricsAllowlist,
      production: context.config.env.NODE_ENV === 'production',
    });
    let detachDatabase: (() => void) | undefined;
    return {
      // The compact access line is written by the request observer, which already listens for each response's end.
      accessLog: usesPinoHttp
        ? pinoHttpAccessLog(context.logger)
        : observeRequests(metrics, compactAccessLine(context.logger)),
      middleware: usesPinoHttp ? [observeRequests(metrics)] : [],
      routes: metricsRoutes(metrics, access),
      hooks: {
        onReady: () => {
          detachDatabase = instrumentDatabase(metrics, context.dataSource);
          exportReadiness(metrics, context.readiness);
          return Promise.resolve();
        },
        onShutdown: () => {
          detachDatabase?.();
          return Promise.resolve();
        },
      },
    };
  },
};
