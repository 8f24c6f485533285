import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config.js';
import { AuditTrail } from './audit/audit.js';
import type { AppModule, ModuleContext, ModuleRuntime } from './contract.js';
import { EntitlementGate } from './entitlements/entitlements.js';
import { createJobRunner } from './jobs/runner.js';
import type { Logger } from './logger.js';
import { PersonalDataRegistry } from './personal-data/personal-data.js';

/**
 * The context's extension points that modules provide for one another: made before the context (which holds
 * them), then connected to what each module's `setup` built from that context. No module is named: the first module with
 * `entitlements` provides it, and every module's `auditRecorder` and `personalData` take part.
 */
export function createExtensionPoints(options: {
  config: AppConfig;
  dataSource: DataSource;
  logger: Logger;
  modules: readonly AppModule[];
}) {
  const { config, dataSource, logger, modules } = options;
  const audit = new AuditTrail(modules.flatMap((module) => module.sensitiveFields ?? []));
  const entitlements = new EntitlementGate();
  const personalData = new PersonalDataRegistry(dataSource, config.core.rowLevelSecurity);
  const jobs = createJobRunner({ redisUrl: config.env.REDIS_URL, logger });
  return {
    points: { audit, entitlements, personalData, jobs } satisfies Partial<ModuleContext>,
    /** Workers start with the app and stop before modules release what handlers use. */
    jobs,
    connect(built: readonly { module: AppModule; runtime: ModuleRuntime }[]): void {
      audit.use(built.flatMap(({ runtime }) => (runtime.auditRecorder === undefined ? [] : [runtime.auditRecorder])));
      entitlements.use(built.find(({ runtime }) => runtime.entitlements !== undefined)?.runtime.entitlements);
      for (const { module, runtime } of built) personalData.add(module.name, runtime.personalData);
    },
  };
}
