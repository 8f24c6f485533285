import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'enterprise_sso',
  summary: 'SAML 2.0, OIDC and LDAP single sign-on with SCIM and JIT provisioning',
  tier: 'enterprise',
  status: 'planned',
  dependsOn: ['core', 'auth'],
  config: z.object({}).strict(),
});
