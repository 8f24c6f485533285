import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'marketplace',
  summary: 'Extension marketplace with publishing, licensing and revenue sharing',
  tier: 'enterprise',
  status: 'planned',
  dependsOn: ['core', 'auth', 'billing'],
  config: z.object({}).strict(),
});
