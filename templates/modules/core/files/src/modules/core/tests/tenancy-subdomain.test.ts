import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantFromHost } from '../tenancy/resolve-tenant.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { widgetsModule } from '../testing/widgets/widgets.module.js';

const INFRASTRUCTURE = ['/health', '/ready', '/openapi.json'];

describe('tenant from a subdomain under a base domain', () => {
  let t: TestApp;
  let tenant: string;
  beforeAll(async () => {
    t = await startTestApp({
      modules: [widgetsModule],
      env: { CORE_TENANT_RESOLUTION: 'subdomain', CORE_TENANT_BASE_DOMAIN: 'example.test' },
    });
    tenant = await t.newTenant();
  });
  afterAll(async () => {
    await t.close();
  });

  it("when a tenant's subdomain calls, then its rows are reached and another tenant's are not", async () => {
    const other = await t.newTenant();
    const created = await request(t.app)
      .post('/widgets')
      .set('Host', `${tenant}.example.test`)
      .send({ name: 'mine' })
      .expect(201);
    const id = (created.body as { id: string }).id;
    await request(t.app).get(`/widgets/${id}`).set('Host', `${tenant}.example.test`).expect(200);
    await request(t.app).get(`/widgets/${id}`).set('Host', `${other}.example.test`).expect(404);
  });

  it.each([
    'api.example.test',
    'www.example.test',
    'example.test',
    'no-such-tenant.example.test',
    '127.0.0.1',
    'elsewhere.test',
  ])('when %s asks for an infrastructure route, then it answers without a tenant', async (host) => {
    for (const path of INFRASTRUCTURE) await request(t.app).get(path).set('Host', host).expect(200);
    await request(t.app).get('/docs/').set('Host', host).expect(200);
  });

  it.each(['api.example.test', 'www.example.test', 'example.test', 'elsewhere.test'])(
    'when %s calls a tenant route, then it names no tenant',
    async (host) => {
      const response = await request(t.app).get('/widgets').set('Host', host).expect(400);
      expect(response.body).toMatchObject({ title: 'Tenant required' });
    },
  );

  it('when an unknown subdomain calls a tenant route, then it is refused as an unknown tenant', async () => {
    const response = await request(t.app).get('/widgets').set('Host', 'no-such-tenant.example.test').expect(400);
    expect(response.body).toMatchObject({ title: 'Unknown tenant' });
  });
});

describe('tenant from a subdomain with no base domain', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ modules: [widgetsModule], env: { CORE_TENANT_RESOLUTION: 'subdomain' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('when api.example.com or www.example.com asks for an infrastructure route, then it answers 200', async () => {
    for (const host of ['api.example.com', 'www.example.com']) {
      for (const path of INFRASTRUCTURE) await request(t.app).get(path).set('Host', host).expect(200);
    }
  });

  it("when a tenant's subdomain of the registrable domain calls, then the tenant is resolved", async () => {
    const tenant = await t.newTenant();
    await request(t.app).post('/widgets').set('Host', `${tenant}.example.com`).send({ name: 'w' }).expect(201);
    const response = await request(t.app).get('/widgets').set('Host', `${tenant}.example.com`).expect(200);
    expect((response.body as { items: unknown[] }).items).toHaveLength(1);
  });
});

describe('tenantFromHost', () => {
  it.each([
    ['acme.example.com', '', 'acme'],
    ['acme.eu.example.com', '', 'eu'],
    ['api.example.com', '', undefined],
    ['example.com', '', undefined],
    ['localhost', '', undefined],
    ['10.0.0.7', '', undefined],
    ['[::1]', '', undefined],
    ['acme.app.example.com', 'app.example.com', 'acme'],
    ['ACME.app.example.com.', 'app.example.com', 'acme'],
    ['app.example.com', 'app.example.com', undefined],
    ['www.app.example.com', 'app.example.com', undefined],
    ['acme.evil-app.example.com', 'app.example.com', undefined],
    ['acme.notapp.example.com', 'app.example.com', undefined],
  ])('when the host is %s and the base domain %j, then the tenant is %s', (host, base, expected) => {
    expect(tenantFromHost(host, base)).toBe(expected);
  });
});

describe('infrastructure routes in header mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ modules: [widgetsModule] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('when the tenant header names an unknown tenant, then /health, /ready and /openapi.json still answer 200', async () => {
    for (const path of INFRASTRUCTURE) await request(t.app).get(path).set('x-tenant-id', 'no-such-tenant').expect(200);
    await request(t.app).get('/widgets').set('x-tenant-id', 'no-such-tenant').expect(400);
  });
});
