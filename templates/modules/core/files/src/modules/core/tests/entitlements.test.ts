import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppModule } from '../contract.js';
import { requireEntitlement } from '../entitlements/entitlements.js';
import { defineRoute } from '../http/route.js';
import { currentTenantId } from '../tenancy/tenant-context.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { modules as installedModules } from '../../../modules.js';

/** A module with a route only some plans include, one on a raw router, and one that reads a limit. */
const reportsModule: AppModule = {
  name: 'test_reports',
  setup: (context) => ({
    routes: [
      defineRoute({
        method: 'post',
        path: '/reports/export',
        public: true,
        summary: 'Export a report (plans with reports.export)',
        status: 202,
        responses: { 202: { description: 'Started' }, 403: { description: 'Not in the plan' } },
        handler: async () => {
          await context.entitlements.require(currentTenantId(), 'reports.export');
          return { started: true };
        },
      }),
      defineRoute({
        method: 'get',
        path: '/reports/quota',
        public: true,
        summary: 'How many reports the plan allows',
        responses: { 200: { description: 'The limit, null when unlimited' } },
        handler: async () => {
          const limit = await context.entitlements.limit(currentTenantId(), 'reports');
          return { limit: Number.isFinite(limit) ? limit : null };
        },
      }),
    ],
    router: express
      .Router()
      .get('/reports/raw', requireEntitlement(context, 'reports.export'), (_req, res) => void res.json({ ok: true })),
  }),
};

/** The installed modules without the plans any of them sells, so each test decides what a plan includes. */
const withoutPlans = installedModules.map((module): AppModule => ({
  ...module,
  setup: (context) => {
    const runtime = { ...module.setup?.(context) };
    delete runtime.entitlements;
    return runtime;
  },
}));

/** Plans as billing would keep them: tenants on `pro` have the export and 5 reports. */
function plansModule(proTenants: Set<string>): AppModule {
  return {
    name: 'test_plans',
    setup: () => ({
      entitlements: {
        check: (tenantId, feature) => Promise.resolve(proTenants.has(tenantId) && feature === 'reports.export'),
        limit: (tenantId) => Promise.resolve(proTenants.has(tenantId) ? 5 : 0),
      },
    }),
  };
}

describe('entitlements without a module that sells plans', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ replaceModules: withoutPlans, modules: [reportsModule] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('when a tenant uses a feature, then every feature is included and nothing is limited', async () => {
    const tenant = await t.newTenant();
    await request(t.app).post('/reports/export').set('x-tenant-id', tenant).expect(202);
    await request(t.app).get('/reports/raw').set('x-tenant-id', tenant).expect(200);
    const quota = await request(t.app).get('/reports/quota').set('x-tenant-id', tenant).expect(200);
    expect(quota.body).toEqual({ limit: null });
  });

  it.each<[string, string, string]>([
    ['a tenant that is not a tenant id', 'Not A Tenant', 'reports.export'],
    ['a feature that is not a lower-case name', 'acme', 'Reports Export'],
    ['an empty feature', 'acme', ''],
  ])('when a check names %s, then it throws even though everything is allowed', async (_case, tenantId, feature) => {
    await expect(t.instance.context.entitlements.check(tenantId, feature)).rejects.toThrow(TypeError);
    await expect(t.instance.context.entitlements.limit(tenantId, feature)).rejects.toThrow(TypeError);
  });
});

describe('entitlements from a module that sells plans', () => {
  const proTenants = new Set<string>();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ replaceModules: withoutPlans, modules: [reportsModule, plansModule(proTenants)] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('when the plan lacks the feature, then the route answers a 403 problem naming it', async () => {
    const tenant = await t.newTenant();
    const response = await request(t.app).post('/reports/export').set('x-tenant-id', tenant).expect(403);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 403, title: 'Not in plan', entitlement: 'reports.export' });
    await request(t.app).get('/reports/raw').set('x-tenant-id', tenant).expect(403);
  });

  it('when the plan includes the feature, then the route runs and the limit is the plan`s', async () => {
    const tenant = await t.newTenant();
    proTenants.add(tenant);
    await request(t.app).post('/reports/export').set('x-tenant-id', tenant).expect(202);
    await request(t.app).get('/reports/raw').set('x-tenant-id', tenant).expect(200);
    const quota = await request(t.app).get('/reports/quota').set('x-tenant-id', tenant).expect(200);
    expect(quota.body).toEqual({ limit: 5 });
  });

  it('when the provider answers a limit that is not a number of at least 0, then it is refused, never read as no limit', async () => {
    const broken = await startTestApp({
      replaceModules: withoutPlans,
      modules: [
        {
          name: 'test_broken_plans',
          setup: () => ({
            entitlements: { check: () => Promise.resolve(true), limit: () => Promise.resolve(Number.NaN) },
          }),
        },
      ],
    });
    try {
      await expect(broken.instance.context.entitlements.limit('acme', 'seats')).rejects.toThrow(RangeError);
    } finally {
      await broken.close();
    }
  });
});
