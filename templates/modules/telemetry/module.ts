import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'telemetry',
  summary: 'Privacy-preserving product analytics, funnels and A/B tests',
  tier: 'enterprise',
  status: 'planned',
  dependsOn: ['core', 'privacy'],
  config: z.object({}).strict(),
});
