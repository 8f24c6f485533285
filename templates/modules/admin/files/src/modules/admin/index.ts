/*
 * The admin module's public surface: the audit trail every module records through `context.audit`, and the
 * admin console under /admin, guarded by the `admin:console` permission and an MFA-verified session.
 */
import type { AppModule } from '../core/index.js';
import { auditRoutes } from './audit/routes.js';
import { AuditHead } from './entities/audit-head.entity.js';
import { AuditRecordRow } from './entities/audit-record.entity.js';
import { ADMIN_PERMISSION, adminSecuritySchemes } from './guard.js';
import { AdminAuditTrail1767226100000 } from './migrations/1767226100000-admin-audit-trail.js';
import { createAdminRuntime } from './runtime.js';

export { ADMIN_PERMISSION } from './guard.js';
export type { ChainReport } from './audit/verify.js';

export const adminModule: AppModule = {
  name: 'admin',
  description: 'Admin console: the tamper-evident audit trail',
  securitySchemes: adminSecuritySchemes,
  entities: [AuditRecordRow, AuditHead],
  migrations: [AdminAuditTrail1767226100000],
  permissions: [{ name: ADMIN_PERMISSION, description: 'Use the admin console (with an MFA-verified session)' }],
  setup: (context) => {
    const runtime = createAdminRuntime(context);
    return {
      routes: auditRoutes(runtime.audit),
      auditRecorder: runtime.recorder,
      hooks: {
        onReady: () => {
          runtime.startCheckpoints();
          return Promise.resolve();
        },
        onShutdown: () => {
          runtime.stopCheckpoints();
          return Promise.resolve();
        },
      },
    };
  },
};
