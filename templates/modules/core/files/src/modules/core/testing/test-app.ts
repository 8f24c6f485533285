import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import { createApp, type AppInstance } from '../../../app.js';
import { createDataSource } from '../../../db/data-source.js';
import { migrate } from '../../../db/migrate.js';
import { modules as installedModules } from '../../../modules.js';
import type { AppConfig } from '../../../config.js';
import type { AppModule } from '../contract.js';
import { createLogger, type Logger } from '../logger.js';
import { createMailer, type Mailer, type MailMessage } from '../mail/mailer.js';
import { createTenant } from '../tenancy/tenants.js';
import { rowLevelSecurityDatabase } from './rls-role.js';
import { testConfig } from './test-config.js';

export interface TestApp {
  app: Express;
  instance: AppInstance;
  dataSource: DataSource;
  config: AppConfig;
  /** Every email this app sent, oldest first (through whichever transport MAIL_TRANSPORT selects). */
  sentMail: readonly MailMessage[];
  /** Registers a tenant with a unique id, so tests never share rows even on a shared database. */
  newTenant(): Promise<string>;
  close(): Promise<void>;
}

/** The real app in-process, on a migrated database, plus any test-only modules. */
export async function startTestApp(
  options: {
    env?: Record<string, string | undefined>;
    modules?: readonly AppModule[];
    /** Stand in for the installed modules of the same names, e.g. auth built with cheaper password hashing. */
    replaceModules?: readonly AppModule[];
    logger?: Logger;
    /** Adjusts the loaded config, e.g. a module's tests pinning its own settings. */
    configure?: (config: AppConfig) => AppConfig;
    /**
     * PostgreSQL only: a fresh database, migrated by its owner, and the app connected as a role that neither owns
     * the tables nor bypasses row-level security, as in production with `row_level_security`.
     */
    rowLevelSecurity?: boolean;
    /** Shorter than production's database connect (5000 ms) and readiness (2000 ms) timeouts, for outage tests. */
    timeouts?: { connectMs: number; readinessMs: number };
  } = {},
): Promise<TestApp> {
  const rls = options.rowLevelSecurity === true ? await rowLevelSecurityDatabase() : undefined;
  const loaded = testConfig({ ...options.env, ...rls?.env });
  const config = options.configure === undefined ? loaded : options.configure(loaded);
  const installed = installedModules.map(
    (module) => options.replaceModules?.find((replacement) => replacement.name === module.name) ?? module,
  );
  const modules = [...installed, ...(options.modules ?? [])];
  if (rls !== undefined) await migrate(config, modules);
  const dataSource = createDataSource(config, modules, { connectTimeoutMs: options.timeouts?.connectMs });
  await dataSource.initialize();
  if (rls === undefined) await dataSource.runMigrations({ transaction: 'each' });
  const logger = options.logger ?? createLogger(config, modules);
  const sentMail: MailMessage[] = [];
  const transport = createMailer(config, logger);
  const mailer: Mailer = {
    async send(message) {
      await transport.send(message);
      sentMail.push(message);
    },
  };
  const instance = createApp({
    config,
    dataSource,
    modules,
    logger,
    mailer,
    readinessTimeoutMs: options.timeouts?.readinessMs,
  });
  await instance.start();
  return {
    app: instance.app,
    instance,
    dataSource,
    config,
    sentMail,
    async newTenant() {
      const id = `t-${randomBytes(6).toString('hex')}`;
      await createTenant(dataSource, { id, name: `Tenant ${id}` });
      return id;
    },
    async close() {
      try {
        await instance.stop();
      } finally {
        await dataSource.destroy();
        await rls?.drop();
      }
    },
  };
}
