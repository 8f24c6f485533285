import type { AppConfig } from '../../config.js';
import type { ModuleContext } from '../core/index.js';
import { CheckpointFileSink, checkpointKeys, writeCheckpoints } from './audit/checkpoints.js';
import { chainRecorder } from './audit/recorder.js';
import { AuditService } from './audit/service.js';
import { OperatorService } from './operators/service.js';
import { OperatorStore } from './operators/store.js';
import { OperatorTokens } from './operators/tokens.js';
import { UserManagement } from './users/service.js';

declare module '../core/contract.js' {
  interface JobPayloads {
    'admin.audit-checkpoint': Record<string, never>;
  }
}

/** The checkpoint key pair and sink an app's config names: shared by the running app and `audit:verify`. */
export function checkpointSetup(config: AppConfig) {
  return {
    keys: checkpointKeys(config.env.ADMIN_AUDIT_SIGNING_KEY ?? config.env.APP_SECRET),
    sink: new CheckpointFileSink(config.env.ADMIN_AUDIT_CHECKPOINT_DIR),
  };
}

/** Operator tokens: a key derived for them alone, auth's issuer, an audience no access token of auth carries. */
export function operatorTokens(config: AppConfig): OperatorTokens {
  return new OperatorTokens(config.env.APP_SECRET, config.auth.jwtIssuer, `${config.auth.jwtAudience}:operators`);
}

/**
 * What one app's admin builds in `setup`: the recorder, the audit service, the checkpoint job and timer, and the
 * platform operators' sign-in.
 */
export function createAdminRuntime(context: ModuleContext) {
  const { config, dataSource, jobs, logger } = context;
  const { keys, sink } = checkpointSetup(config);
  const audit = new AuditService(dataSource, sink, keys, context.audit);
  const signInAttempts = context.rateLimiters.create({
    name: 'admin-operator-sign-in',
    points: 10,
    windowSeconds: 900,
    failClosed: true,
  });
  const operators = new OperatorService(
    dataSource,
    new OperatorStore(dataSource, context.encryption),
    operatorTokens(config),
    signInAttempts,
    context.audit,
  );
  jobs.define('admin.audit-checkpoint', async () => {
    const written = await writeCheckpoints(dataSource, sink, keys.privateKey);
    if (written.length > 0) logger.info({ chains: written.length }, 'audit checkpoints signed');
  });
  let timer: NodeJS.Timeout | undefined;
  return {
    recorder: chainRecorder(dataSource),
    audit,
    users: new UserManagement(dataSource, config.core.rowLevelSecurity, context.hooks, context.audit),
    operators,
    /** Every few minutes, one checkpoint job (its fixed id keeps replicas from queueing one each). */
    startCheckpoints(): void {
      timer = setInterval(() => {
        jobs
          .enqueue('admin.audit-checkpoint', {}, { jobId: 'admin-audit-checkpoint', tenantId: null })
          .catch((error: unknown) => {
            logger.warn({ err: error }, 'audit checkpoint job not queued');
          });
      }, config.admin.checkpointIntervalSeconds * 1000);
      timer.unref();
    },
    stopCheckpoints(): void {
      clearInterval(timer);
    },
  };
}
