import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'security_advanced',
  summary: 'Zero-trust controls: mTLS, threat detection, security policies and secrets management',
  tier: 'enterprise',
  status: 'planned',
  dependsOn: ['core', 'auth'],
  config: z.object({}).strict(),
});
