import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'privacy',
  summary: 'GDPR consent, data export, erasure, anonymization and retention',
  tier: 'core',
  status: 'planned',
  dependsOn: ['core', 'auth'],
  config: z.object({}).strict(),
});
