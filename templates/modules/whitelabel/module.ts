import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'whitelabel',
  summary: 'Per-tenant branding, themes, custom domains and email templates',
  tier: 'enterprise',
  status: 'planned',
  dependsOn: ['core', 'auth', 'admin'],
  config: z.object({}).strict(),
});
