import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'edge_deployment',
  summary: 'Edge runtimes, device provisioning, OTA updates and offline sync',
  tier: 'enterprise',
  status: 'planned',
  dependsOn: ['core', 'security_advanced'],
  config: z.object({}).strict(),
});
