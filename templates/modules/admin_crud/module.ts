import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'admin_crud',
  summary: 'Admin CRUD endpoints generated from entity metadata, with bulk operations and export',
  tier: 'enterprise',
  status: 'planned',
  dependsOn: ['core', 'admin'],
  config: z.object({}).strict(),
});
