import express, { type Express } from 'express';
import type { DataSource } from 'typeorm';
import { appInfo } from './app-info.js';
import type { AppConfig } from './config.js';
import {
  authenticate,
  buildOpenApiDocument,
  cookies,
  corsFromAllowlist,
  createExtensionPoints,
  createHookRegistry,
  createLogger,
  createMailer,
  createRateLimiterFactory,
  coreReadinessChecks,
  Csrf,
  errorHandler,
  jsonBody,
  loadSecurityKeys,
  mountRoutes,
  noopMetrics,
  notFoundHandler,
  openApiRouter,
  parseTrustProxy,
  rateLimit,
  requestBasics,
  resolveTenant,
  runReadiness,
  securityHeaders,
  sensitiveFieldReplacer,
  TenantDirectory,
  type AppModule,
  type Logger,
  type Mailer,
  type ModuleContext,
  type ModuleRuntime,
  type ReadinessCheck,
} from './modules/core/index.js';
import { modules as installedModules } from './modules.js';

export interface AppOptions {
  config: AppConfig;
  /** Initialised and migrated. */
  dataSource: DataSource;
  /** Defaults to the modules in src/modules.ts; tests add their own. */
  modules?: readonly AppModule[];
  logger?: Logger;
  /** Defaults to the transport MAIL_TRANSPORT selects; tests wrap it to read what the app sent. */
  mailer?: Mailer;
  /** How long core's readiness checks (database, Redis) may take, 2000 ms unless tests of outages shorten it. */
  readinessTimeoutMs?: number;
}

export interface AppInstance {
  app: Express;
  context: ModuleContext;
  /** Connects the rate-limit store, runs every module's onReady hook, starts the job workers; call before listening. */
  start(): Promise<void>;
  /**
   * Finishes running jobs, runs every module's onShutdown hook and closes the rate-limit store; the caller closes
   * the database.
   */
  stop(): Promise<void>;
}

/**
 * Builds the Express app: core's middleware in a fixed order, then every module's routes. Nothing here names a
 * module; everything module-specific comes from the `modules` list, each module's runtime from its `setup`.
 */
export function createApp({
  config,
  dataSource,
  modules = installedModules,
  logger = createLogger(config, modules),
  mailer = createMailer(config, logger),
  readinessTimeoutMs,
}: AppOptions): AppInstance {
  const keys = loadSecurityKeys(config);
  const hooks = createHookRegistry();
  const rateLimiters = createRateLimiterFactory({ redisUrl: config.env.REDIS_URL });
  const production = config.env.NODE_ENV === 'production';
  const csrf = new Csrf({ key: keys.csrfKey, production, sessionLookups: () => hooks.all('sessionOf') });
  const declaredMetrics = modules.flatMap((module) => module.metrics ?? []);
  const metricsBackend = modules.find((module) => module.metricsBackend !== undefined)?.metricsBackend;
  const metrics = metricsBackend?.(declaredMetrics, config) ?? noopMetrics(declaredMetrics);
  const readinessChecks: ReadinessCheck[] = coreReadinessChecks(dataSource, rateLimiters, readinessTimeoutMs);
  const readiness = () => runReadiness(readinessChecks, logger);
  const permissions = modules.flatMap((module) => module.permissions ?? []);
  const extensions = createExtensionPoints({ config, dataSource, logger, modules });
  const context: ModuleContext = {
    config,
    dataSource,
    logger,
    rateLimiters,
    encryption: keys.encryption,
    csrf,
    mailer,
    hooks,
    metrics,
    readiness,
    permissions,
    ...extensions.points,
  };
  // Each module builds its runtime once, in module order, from this app's context: nothing is shared between apps.
  const runtimes: ModuleRuntime[] = modules.map((module) => module.setup?.(context) ?? {});
  for (const runtime of runtimes) hooks.add(runtime.hooks ?? {});
  extensions.connect(modules.map((module, i) => ({ module, runtime: runtimes[i] ?? {} })));
  hooks.complete();
  for (const runtime of runtimes) readinessChecks.push(...(runtime.readiness ?? []));
  const accessLog = runtimes.find((runtime) => runtime.accessLog !== undefined)?.accessLog;
  const middleware = runtimes.flatMap((runtime) => runtime.middleware ?? []);
  const moduleRoutes = modules.map((module, i) => ({ module, routes: runtimes[i]?.routes ?? [] }));
  const routes = moduleRoutes.flatMap((declared) => declared.routes);
  const rawBodyRoutes = routes.filter((route) => route.rawBody !== undefined);
  const globalLimit = rateLimiters.create({
    name: 'global',
    points: config.core.rateLimitPoints,
    windowSeconds: config.core.rateLimitWindowSeconds,
  });

  const app = express();
  app.disable('x-powered-by');
  // Answers are `no-store`, so nothing would revalidate against an ETag; skip hashing every body.
  app.disable('etag');
  app.set('trust proxy', parseTrustProxy(config.env.TRUST_PROXY));
  app.set('json replacer', sensitiveFieldReplacer(modules.flatMap((module) => module.sensitiveFields ?? [])));

  app.use(requestBasics(logger, { accessLog: accessLog === undefined }));
  // Modules' per-request handlers (access log, metrics) see every request, also those refused below.
  if (accessLog !== undefined) app.use(accessLog);
  if (middleware.length > 0) app.use(middleware);
  app.use(
    securityHeaders(),
    corsFromAllowlist(
      config.core.corsOrigins,
      config.core.tenantResolution === 'header' ? config.core.tenantHeader : undefined,
    ),
  );
  app.use(rateLimit(globalLimit));
  // Routes that verify a signature over the exact bytes sent (webhooks) read the body before any parser does.
  if (rawBodyRoutes.length > 0) {
    const rawBodyRouter = express.Router();
    mountRoutes(rawBodyRouter, rawBodyRoutes, []);
    app.use(rawBodyRouter);
  }
  app.use(cookies(), jsonBody(config.core.bodyLimitKb));
  const authenticators = hooks.all('authenticate');
  if (authenticators.length > 0) app.use(authenticate(authenticators));
  app.use(csrf.protect());
  app.use(
    resolveTenant(
      config.core,
      new TenantDirectory(dataSource),
      modules.flatMap((module) => module.platformPaths ?? []),
    ),
  );

  const router = express.Router();
  mountRoutes(
    router,
    routes.filter((route) => route.rawBody === undefined),
    hooks.all('authorize'),
  );
  app.use(router);
  for (const runtime of runtimes) {
    if (runtime.router !== undefined) app.use(runtime.router);
  }
  app.use(openApiRouter(buildOpenApiDocument(appInfo, config, moduleRoutes)));

  app.use(notFoundHandler(), errorHandler(logger, config.env.NODE_ENV === 'development'));

  return {
    app,
    context,
    async start() {
      if (!(await rateLimiters.connect()))
        logger.warn('Redis is unreachable; rate limits are counted in memory until it is back');
      for (const onReady of hooks.all('onReady')) await onReady();
      await extensions.jobs.start();
    },
    async stop() {
      await extensions.jobs.close();
      for (const onShutdown of hooks.all('onShutdown')) await onShutdown();
      await rateLimiters.close();
    },
  };
}
