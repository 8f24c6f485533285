import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, bearer, registerOwner, type Account } from '../../auth/testing/auth-helpers.js';
import { startAdminTestApp, withMfa, type AdminTestApp } from '../testing/admin-helpers.js';

let t: AdminTestApp;
let adminRoutes: { method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string }[];
let owner: Account;
let ownerWithMfa: Account;
let memberWithMfa: Account;
let otherTenantOwnerWithMfa: Account;

beforeAll(async () => {
  t = await startAdminTestApp();
  const document = (await request(t.app).get('/openapi.json').expect(200)).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  adminRoutes = Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/admin'))
    .flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({
        method: method as 'get',
        path: path.replace(/\{[^}]+\}/g, 'some-id'),
      })),
    );
  owner = await registerOwner(t);
  memberWithMfa = await withMfa(t, await addMember(t, owner));
  ownerWithMfa = await withMfa(t, owner);
  otherTenantOwnerWithMfa = await withMfa(t, await registerOwner(t));
});
afterAll(async () => {
  await t.close();
});

const call = (route: (typeof adminRoutes)[number], tenantId: string, token?: string) => {
  const test = request(t.app)[route.method](route.path).set('x-tenant-id', tenantId);
  return token === undefined ? test : test.set(bearer(token));
};

describe('the admin guard, on every route admin registers', () => {
  it('finds the admin routes in the OpenAPI document', () => {
    expect(adminRoutes.length).toBeGreaterThanOrEqual(3);
  });

  it('when no token is sent, then every admin route answers 401', async () => {
    for (const route of adminRoutes) {
      const response = await call(route, owner.tenantId);
      expect({ ...route, status: response.status }).toEqual({ ...route, status: 401 });
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('when a member (even with MFA) calls, then every admin route answers 403', async () => {
    for (const route of adminRoutes) {
      const response = await call(route, owner.tenantId, memberWithMfa.accessToken);
      expect({ ...route, status: response.status }).toEqual({ ...route, status: 403 });
    }
  });

  it('when an owner whose session has not passed a second factor calls, then every admin route answers 403', async () => {
    // Registration's token: an owner holding admin:console, but no second factor in this session.
    const fresh = await registerOwner(t);
    for (const route of adminRoutes) {
      const response = await call(route, fresh.tenantId, fresh.accessToken);
      expect({ ...route, status: response.status }).toEqual({ ...route, status: 403 });
    }
  });

  it('when an admin of another tenant calls with MFA, then every admin route answers 403', async () => {
    for (const route of adminRoutes) {
      const response = await call(route, owner.tenantId, otherTenantOwnerWithMfa.accessToken);
      expect({ ...route, status: response.status }).toEqual({ ...route, status: 403 });
    }
  });

  it('when the tenant’s owner calls with MFA, then no admin route refuses them', async () => {
    for (const route of adminRoutes) {
      const response = await call(route, owner.tenantId, ownerWithMfa.accessToken);
      expect(response.status, `${route.method} ${route.path}`).toBeLessThan(300);
    }
  });
});
