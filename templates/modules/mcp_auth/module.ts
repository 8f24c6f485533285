import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'mcp_auth',
  summary: 'Model Context Protocol authentication with policies, usage limits and cost tracking',
  tier: 'enterprise',
  status: 'planned',
  dependsOn: ['core', 'auth'],
  config: z.object({}).strict(),
});
