/*
 * The admin module's public surface: the audit trail every module records through `context.audit`, and the
 * admin console under /admin, guarded by the `admin:console` permission and an MFA-verified session; platform
 * operators (outside every tenant, created by `npm run admin:create-operator`) under /admin/platform.
 */
import type { AppModule } from '../core/index.js';
import { auditRoutes } from './audit/routes.js';
import { AuditHead } from './entities/audit-head.entity.js';
import { AuditRecordRow } from './entities/audit-record.entity.js';
import { ADMIN_PERMISSION, adminSecuritySchemes } from './guard.js';
import { AdminAuditTrail1767226100000 } from './migrations/1767226100000-admin-audit-trail.js';
import { AdminOperators1767226200000 } from './migrations/1767226200000-admin-operators.js';
import { Operator } from './entities/operator.entity.js';
import { operatorRoutes } from './operators/routes.js';
import { createAdminRuntime } from './runtime.js';
import { userRoutes } from './users/routes.js';

export { ADMIN_PERMISSION } from './guard.js';
export type { ChainReport } from './audit/verify.js';

export const adminModule: AppModule = {
  name: 'admin',
  description: 'Admin console: the tamper-evident audit trail, tenant user management, platform operators',
  securitySchemes: adminSecuritySchemes,
  entities: [AuditRecordRow, AuditHead, Operator],
  migrations: [AdminAuditTrail1767226100000, AdminOperators1767226200000],
  permissions: [{ name: ADMIN_PERMISSION, description: 'Use the admin console (with an MFA-verified session)' }],
  setup: (context) => {
    const runtime = createAdminRuntime(context);
    return {
      routes: [...auditRoutes(runtime.audit), ...userRoutes(runtime.users), ...operatorRoutes(runtime.operators)],
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
