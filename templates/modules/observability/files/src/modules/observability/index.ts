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
  if (!(context.metrics instanceof PromMetrics)) throw new Error('observability: another module provides the metrics backend');
  return context.metrics;
}

const usesPinoHttp = (context: ModuleContext) => context.config.observability.accessLog === 'pino-http';
const detach = new WeakMap<ModuleContext, () => void>();

export const observabilityModule: AppModule = {
  name: 'observability',
  description: 'Prometheus metrics',
  securitySchemes: () => metricsSecuritySchemes,
  // Prometheus scrapes the whole app, not a tenant.
  platformPaths: ['/metrics'],
  metricsBackend: (declared, config) => new PromMetrics(declared, { defaultMetrics: config.observability.defaultMetrics }),
  logging: loggingExtension,
  // The compact access line is written by the request observer, which already listens for each response's end.
  accessLog: (context) =>
    usesPinoHttp(context) ? pinoHttpAccessLog(context.logger) : observeRequests(promMetricsOf(context), compactAccessLine(context.logger)),
  middleware: (context) => (usesPinoHttp(context) ? [observeRequests(promMetricsOf(context))] : []),
  routes: (context) =>
    metricsRoutes(
      promMetricsOf(context),
      metricsAccess({
        token: context.config.env.METRICS_TOKEN,
        allowlist: context.config.observability.metricsAllowlist,
        production: context.config.env.NODE_ENV === 'production',
      }),
    ),
  hooks: {
    onBoot: async (config, logger) => {
      const serviceName = config.env.OTEL_SERVICE_NAME ?? process.env.npm_package_name ?? 'app';
      if (await startTracing({ endpoint: config.env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName })) {
        logger.info({ endpoint: config.env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName }, 'tracing on');
      }
    },
    onReady: (context) => {
      const metrics = promMetricsOf(context);
      detach.set(context, instrumentDatabase(metrics, context.dataSource));
      exportReadiness(metrics, context.readiness);
      return Promise.resolve();
    },
    onShutdown: async (context) => {
      detach.get(context)?.();
      await stopTracing();
    },
  },
};
