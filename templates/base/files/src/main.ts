import { existsSync } from 'node:fs';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createDataSource } from './db/data-source.js';
import { migrate } from './db/migrate.js';
import {
  assertRowLevelSecurityRole,
  createLogger,
  exitGracefullyOnSignals,
  loadSecurityKeys,
} from './modules/core/index.js';
import { modules } from './modules.js';

// Below the 10 s Docker and Kubernetes wait between SIGTERM and SIGKILL.
const SHUTDOWN_GRACE_MS = 8_000;

// A local .env (never committed, never in the image) fills in what the environment leaves unset.
if (existsSync('.env')) process.loadEnvFile('.env');

async function main(): Promise<void> {
  const config = loadConfig();
  // What the env schema cannot say (two encryption keys with one version) is refused too, before anything migrates.
  loadSecurityKeys(config);
  const logger = createLogger(config, modules);
  // Instrumentation (tracing) patches libraries before anything connects or registers a route.
  const stopsAtExit: (() => Promise<void>)[] = [];
  for (const module of modules) {
    const stop = await module.onBoot?.(config, logger);
    if (stop !== undefined) stopsAtExit.push(stop);
  }
  if (config.env.MIGRATE_ON_BOOT) {
    const applied = await migrate(config);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
  }
  const dataSource = createDataSource(config);
  await dataSource.initialize();
  if (config.core.rowLevelSecurity) await assertRowLevelSecurityRole(dataSource);

  const instance = createApp({ config, dataSource, logger });
  await instance.start();
  const server = instance.app.listen(config.env.PORT, config.env.HOST, () => {
    logger.info({ host: config.env.HOST, port: config.env.PORT, database: dataSource.options.type }, 'listening');
  });
  exitGracefullyOnSignals({
    server,
    logger,
    graceMs: SHUTDOWN_GRACE_MS,
    release: async () => {
      await instance.stop();
      await dataSource.destroy();
      // Last, so what the shutdown itself did (e.g. its database spans) is flushed too.
      for (const stop of stopsAtExit) await stop();
    },
  });
}

main().catch((error: unknown) => {
  // Config errors list every bad variable; print them plainly rather than as a stack trace.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
