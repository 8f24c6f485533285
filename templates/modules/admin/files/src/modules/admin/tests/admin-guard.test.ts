import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RouteDefinition } from '../../core/index.js';
import { addMember, bearer, registerOwner, type Account } from '../../auth/testing/auth-helpers.js';
import { ADMIN_PERMISSION, OPERATOR_SCHEME } from '../guard.js';
import {
  createOperator,
  operatorToken,
  startAdminTestApp,
  withMfa,
  type AdminTestApp,
} from '../testing/admin-helpers.js';

/** The only routes admin may register without a guard, all outside /admin: operators must be able to sign in. */
const PUBLIC = new Set(['POST /operators/login']);
/** Sensitive acts: they also need a second factor under five minutes old (step-up). */
const SENSITIVE = new Set([
  'GET /admin/audit/export',
  'PUT /admin/users/:userId/role',
  'POST /admin/users/:userId/role/revoke',
]);

let t: AdminTestApp;
let routes: readonly RouteDefinition[];
let owner: Account;
let ownerWithMfa: Account;
let memberWithMfa: Account;
let otherTenantOwnerWithMfa: Account;
let operator: string;

const keyOf = (route: Pick<RouteDefinition, 'method' | 'path'>) => `${route.method.toUpperCase()} ${route.path}`;
const security = (route: RouteDefinition) => JSON.stringify(route.security ?? null);
const isTenantAdminRoute = (route: RouteDefinition) =>
  route.permission === ADMIN_PERMISSION && security(route) === JSON.stringify([{ adminBearerAuth: [] }]);
const isOperatorRoute = (route: RouteDefinition) =>
  route.permission === undefined &&
  route.public !== true &&
  security(route) === JSON.stringify([{ [OPERATOR_SCHEME]: [] }]);
const tenantAdminRoutes = () => routes.filter(isTenantAdminRoute);
const operatorRoutes = () => routes.filter(isOperatorRoute);

beforeAll(async () => {
  t = await startAdminTestApp();
  // Every route the admin module registered in this app, as its `setup` returned them: not what a document says.
  routes = t.adminRuntime.routes ?? [];
  owner = await registerOwner(t);
  memberWithMfa = await withMfa(t, await addMember(t, owner));
  ownerWithMfa = await withMfa(t, owner);
  otherTenantOwnerWithMfa = await withMfa(t, await registerOwner(t));
  operator = await operatorToken(t, await createOperator(t));
});
afterAll(async () => {
  await t.close();
});

/** A well-formed request to the route (an id no account has, a body its schema accepts): only a guard refuses it. */
const send = (route: RouteDefinition) => {
  const test = request(t.app)[route.method](route.path.replace(/:[A-Za-z]+/g, randomUUID()));
  if (route.method === 'get') return test;
  return test.send(route.method === 'put' ? { role: 'member', reason: 'route walk' } : { reason: 'route walk' });
};
const call = (route: RouteDefinition, tenantId: string, token?: string) => {
  const test = send(route).set('x-tenant-id', tenantId);
  return token === undefined ? test : test.set(bearer(token));
};

describe('every route the admin module registers', () => {
  it('is behind the tenant-admin guard or the operator guard, or is the operators’ sign-in', () => {
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const route of routes) {
      const guarded =
        isTenantAdminRoute(route) ||
        isOperatorRoute(route) ||
        (PUBLIC.has(keyOf(route)) && !route.path.startsWith('/admin'));
      expect({ route: keyOf(route), guarded }).toEqual({ route: keyOf(route), guarded: true });
    }
    // Raw routers and middleware would escape this walk: admin has none.
    expect(t.adminRuntime.router).toBeUndefined();
    expect(t.adminRuntime.middleware).toBeUndefined();
    expect(tenantAdminRoutes().length).toBeGreaterThanOrEqual(3);
    expect(operatorRoutes().length).toBeGreaterThanOrEqual(1);
  });

  it('is in /openapi.json, and nothing under /admin is there that admin did not register', async () => {
    const document = (await request(t.app).get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    const registered = routes.map(keyOf);
    expect(documented).toEqual(expect.arrayContaining(registered));
    const underAdmin = documented.filter((key) => key.split(' ')[1]?.startsWith('/admin') === true);
    expect(registered).toEqual(expect.arrayContaining(underAdmin));
  });
});

describe('the tenant-admin guard, on each of its routes', () => {
  it('when no token is sent, then 401', async () => {
    for (const route of tenantAdminRoutes()) {
      const response = await call(route, owner.tenantId);
      expect({ route: keyOf(route), status: response.status }).toEqual({ route: keyOf(route), status: 401 });
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('when a member (even with MFA) calls, then 403', async () => {
    for (const route of tenantAdminRoutes()) {
      const response = await call(route, owner.tenantId, memberWithMfa.accessToken);
      expect({ route: keyOf(route), status: response.status }).toEqual({ route: keyOf(route), status: 403 });
    }
  });

  it('when an owner whose session has not passed a second factor calls, then 403', async () => {
    // Registration's token: an owner holding admin:console, but no second factor in this session.
    const fresh = await registerOwner(t);
    for (const route of tenantAdminRoutes()) {
      const response = await call(route, fresh.tenantId, fresh.accessToken);
      expect({ route: keyOf(route), status: response.status }).toEqual({ route: keyOf(route), status: 403 });
    }
  });

  it('when an admin of another tenant calls with MFA, then 403', async () => {
    for (const route of tenantAdminRoutes()) {
      const response = await call(route, owner.tenantId, otherTenantOwnerWithMfa.accessToken);
      expect({ route: keyOf(route), status: response.status }).toEqual({ route: keyOf(route), status: 403 });
    }
  });

  it('when a platform operator calls with their token, then 401: it is no tenant token', async () => {
    for (const route of tenantAdminRoutes()) {
      const response = await call(route, owner.tenantId, operator);
      expect({ route: keyOf(route), status: response.status }).toEqual({ route: keyOf(route), status: 401 });
    }
  });

  it('when a sensitive act is asked with a second factor over five minutes old, then 401 step-up-required', async () => {
    expect(tenantAdminRoutes().filter((route) => SENSITIVE.has(keyOf(route)))).toHaveLength(SENSITIVE.size);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60_000 });
    try {
      for (const route of tenantAdminRoutes().filter((candidate) => SENSITIVE.has(keyOf(candidate)))) {
        const response = await call(route, owner.tenantId, ownerWithMfa.accessToken);
        expect({ route: keyOf(route), status: response.status }).toEqual({ route: keyOf(route), status: 401 });
        expect(response.body).toMatchObject({ type: 'urn:problem:step-up-required' });
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('when the tenant’s owner calls with MFA, then no guard refuses them', async () => {
    for (const route of tenantAdminRoutes()) {
      const response = await call(route, owner.tenantId, ownerWithMfa.accessToken);
      // Through the guard: an answer of the route itself (404 for an account id no one has), never 401 or 403.
      expect([401, 403], keyOf(route)).not.toContain(response.status);
      expect(response.status, keyOf(route)).toBeLessThan(500);
    }
  });
});

describe('the operator guard, on each of its routes', () => {
  it('when no token, a member’s, or a tenant owner’s MFA-verified token is sent, then 401', async () => {
    for (const route of operatorRoutes()) {
      for (const token of [undefined, memberWithMfa.accessToken, ownerWithMfa.accessToken]) {
        const response = await call(route, owner.tenantId, token);
        expect({ route: keyOf(route), status: response.status }).toEqual({ route: keyOf(route), status: 401 });
      }
    }
  });

  it('when an operator calls, then no route refuses them', async () => {
    for (const route of operatorRoutes()) {
      const response = await send(route).set(bearer(operator));
      expect(response.status, keyOf(route)).toBeLessThan(300);
    }
  });
});
