import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'hybrid_deployment',
  summary: 'Multi-cloud orchestration, data residency and cross-region replication',
  tier: 'enterprise',
  status: 'planned',
  dependsOn: ['core', 'edge_deployment'],
  config: z.object({}).strict(),
});
