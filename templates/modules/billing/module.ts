import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'billing',
  summary: 'Stripe subscriptions, payment methods, invoices and deduplicated webhooks',
  tier: 'core',
  status: 'planned',
  dependsOn: ['core', 'auth'],
  config: z.object({}).strict(),
});
