import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'performance',
  summary: 'Response caching, query optimisation, circuit breakers and scaling policies',
  tier: 'enterprise',
  status: 'planned',
  dependsOn: ['core', 'observability'],
  config: z.object({}).strict(),
});
