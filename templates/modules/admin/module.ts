import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'admin',
  summary: 'Administration API with MFA, audit trail, user and tenant management',
  tier: 'core',
  status: 'implemented',
  dependsOn: ['core', 'auth'],
  config: z
    .object({
      checkpoint_interval_seconds: z
        .number()
        .int()
        .min(60)
        .max(86_400)
        .default(300)
        .describe('How often the head of every audit chain that grew is signed (Ed25519) and written to the checkpoint sink'),
    })
    .strict(),
  env: [
    { name: 'ADMIN_AUDIT_SIGNING_KEY', kind: 'string', secret: true, generate: 'token', minLength: 32, description: 'At least 32 random characters; the Ed25519 key that signs audit checkpoints is derived from it. Unset: derived from APP_SECRET' },
    { name: 'ADMIN_AUDIT_CHECKPOINT_DIR', kind: 'string', default: 'data/audit-checkpoints', description: 'Directory of the checkpoint file sink (checkpoints.ndjson); put it where the database role cannot write, e.g. another volume' },
  ],
  dependencies: ['jose'],
  scripts: {
    'audit:verify': 'tsx src/modules/admin/verify-audit.ts',
    'admin:create-operator': 'tsx src/modules/admin/create-operator.ts',
  },
  tables: ['admin_audit_records', 'admin_audit_heads', 'admin_operators'],
});
