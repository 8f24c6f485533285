import type { RouteDefinition } from '../core/index.js';
import { accountRoutes } from './accounts/routes.js';
import { credentialRoutes } from './credentials/routes.js';
import { tokenTransport } from './http.js';
import { loginRoutes } from './login/routes.js';
import { mfaRoutes } from './mfa/routes.js';
import { roleRoutes } from './roles/routes.js';
import type { AuthRuntime } from './runtime.js';
import { sessionRoutes } from './sessions/routes.js';
import { userRoutes } from './users/routes.js';

/**
 * Every route of auth, feature by feature. Each feature is a folder: `routes.ts` (validate, call the service, pass
 * errors on) over `service.ts` (its use cases, no Express types), over the module's store.
 */
export function authRoutes(runtime: AuthRuntime): RouteDefinition[] {
  const transport = tokenTransport(runtime);
  return [
    ...loginRoutes(runtime, transport),
    ...accountRoutes(runtime, transport),
    ...sessionRoutes(runtime, transport),
    ...credentialRoutes(runtime),
    ...mfaRoutes(runtime, transport),
    ...userRoutes(runtime),
    ...roleRoutes(runtime),
  ];
}
