import { findCurrentTenantId, type AppModule } from '../../modules/core/index.js';

/** The headers a test sets to call a resource's routes as someone holding some permissions. */
export const TEST_SUBJECT_HEADER = 'x-test-subject';
export const TEST_PERMISSIONS_HEADER = 'x-test-permissions';

/**
 * A test-only module that recognises the caller from test headers and grants exactly the permissions they list,
 * in the tenant they name: the resources' tests then prove each route's permission whether or not an auth
 * module is installed (auth's own tests prove how its roles hold permissions). Never installed in the app.
 */
export const testPrincipalsModule: AppModule = {
  name: 'test_principals',
  setup: () => ({
    hooks: {
      authenticate: (req) => {
        const subject = req.get(TEST_SUBJECT_HEADER);
        const tenantId = req.get('x-tenant-id');
        if (subject === undefined) return Promise.resolve(undefined);
        return Promise.resolve({ subject, via: 'bearer' as const, ...(tenantId === undefined ? {} : { tenantId }) });
      },
      authorize: (principal, permission, req) => {
        const granted = (req.get(TEST_PERMISSIONS_HEADER) ?? '').split(',');
        return Promise.resolve(principal.tenantId === findCurrentTenantId() && granted.includes(permission));
      },
    },
  }),
};
