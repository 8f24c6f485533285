import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'observability',
  summary: 'Prometheus metrics, pino structured logs, health checks and OpenTelemetry tracing',
  tier: 'core',
  status: 'planned',
  dependsOn: ['core'],
  config: z.object({}).strict(),
});
