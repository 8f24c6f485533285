import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'billing_advanced',
  summary: 'Usage metering, dunning, tax and revenue recognition on top of billing',
  tier: 'enterprise',
  status: 'planned',
  dependsOn: ['core', 'auth', 'billing'],
  config: z.object({}).strict(),
});
