import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'auth',
  summary: 'Accounts, JWT access and rotating refresh tokens, sessions, MFA, RBAC and brute-force defence',
  tier: 'core',
  status: 'planned',
  dependsOn: ['core'],
  config: z.object({}).strict(),
});
