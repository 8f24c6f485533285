import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'admin',
  summary: 'Administration API with MFA, audit trail, user and tenant management',
  tier: 'core',
  status: 'planned',
  dependsOn: ['core', 'auth'],
  config: z.object({}).strict(),
});
