import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Tenant } from '../entities/tenant.entity.js';
import { runWithTenant } from '../tenancy/tenant-context.js';
import { TenantDirectory } from '../tenancy/tenant-directory.js';
import { createTenant } from '../tenancy/tenants.js';
import { TenantRepository } from '../tenancy/tenant-repository.js';
import { tenantTransaction } from '../tenancy/tenant-transaction.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { Widget } from '../testing/widgets/widget.entity.js';
import { widgetsModule } from '../testing/widgets/widgets.module.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ modules: [widgetsModule] });
});
afterAll(async () => {
  await t.close();
});

async function createWidget(tenantId: string, name = 'first'): Promise<string> {
  const response = await request(t.app).post('/widgets').set('x-tenant-id', tenantId).send({ name }).expect(201);
  return (response.body as { id: string }).id;
}

describe('tenant resolution', () => {
  it('when a tenant-scoped route is called without a tenant, then it answers 400', async () => {
    const response = await request(t.app).get('/widgets').expect(400);
    expect(response.body).toMatchObject({ title: 'Tenant required' });
  });

  it('when the tenant header names an unknown tenant, then it answers 400', async () => {
    await request(t.app).get('/widgets').set('x-tenant-id', 'no-such-tenant').expect(400);
  });

  it('when a tenant is created right after its id was probed, then it is served within a second', async () => {
    const id = `late-${randomBytes(4).toString('hex')}`;
    await request(t.app).get('/widgets').set('x-tenant-id', id).expect(400);
    await createTenant(t.dataSource, { id, name: 'Late' });
    // The clock is moved past the second instead of waited out; only Date is faked, so I/O runs as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 1_100);
      await request(t.app).get('/widgets').set('x-tenant-id', id).expect(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it('when the tenant header is malformed, then it answers 400 without a query', async () => {
    await request(t.app).get('/widgets').set('x-tenant-id', '../../etc').expect(400);
  });
});

describe('TenantDirectory', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when an unknown id becomes a tenant, then the refusal is forgotten after a second while an active tenant stays cached', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const directory = new TenantDirectory(t.dataSource);
    const late = `late-${randomBytes(4).toString('hex')}`;
    const known = await t.newTenant();
    expect(await directory.isActive(late)).toBe(false);
    expect(await directory.isActive(known)).toBe(true);
    await createTenant(t.dataSource, { id: late, name: 'Late' });
    await t.dataSource.getRepository(Tenant).update({ id: known }, { active: false });
    vi.setSystemTime(Date.now() + 1_001);
    expect(await directory.isActive(late)).toBe(true);
    expect(await directory.isActive(known)).toBe(true);
  });
});

describe('GET /widgets/:id', () => {
  it('when the widget belongs to the caller, then it is returned', async () => {
    const tenant = await t.newTenant();
    const id = await createWidget(tenant);
    const response = await request(t.app).get(`/widgets/${id}`).set('x-tenant-id', tenant).expect(200);
    expect(response.body).toMatchObject({ id, name: 'first', tenantId: tenant });
  });

  it('when another tenant asks for the widget by id, then it answers 404 as if it did not exist', async () => {
    const owner = await t.newTenant();
    const intruder = await t.newTenant();
    const id = await createWidget(owner);
    const stolen = await request(t.app).get(`/widgets/${id}`).set('x-tenant-id', intruder).expect(404);
    const missing = await request(t.app)
      .get('/widgets/00000000-0000-0000-0000-000000000000')
      .set('x-tenant-id', intruder)
      .expect(404);
    expect(stolen.body).toMatchObject({ status: 404, detail: (missing.body as { detail: string }).detail });
  });
});

describe('GET /widgets', () => {
  it('when two tenants have widgets, then each sees only its own', async () => {
    const a = await t.newTenant();
    const b = await t.newTenant();
    await createWidget(a, 'a1');
    await createWidget(b, 'b1');
    const response = await request(t.app).get('/widgets').set('x-tenant-id', a).expect(200);
    expect((response.body as { items: { name: string }[] }).items.map((widget) => widget.name)).toEqual(['a1']);
  });
});

describe('PATCH /widgets/:id', () => {
  it('when another tenant updates the widget by id, then it answers 404 and the row is unchanged', async () => {
    const owner = await t.newTenant();
    const intruder = await t.newTenant();
    const id = await createWidget(owner, 'original');
    await request(t.app).patch(`/widgets/${id}`).set('x-tenant-id', intruder).send({ name: 'hijacked' }).expect(404);
    const response = await request(t.app).get(`/widgets/${id}`).set('x-tenant-id', owner).expect(200);
    expect(response.body).toMatchObject({ name: 'original' });
  });

  it('when the body tries to move the row to another tenant, then tenantId is ignored', async () => {
    const owner = await t.newTenant();
    const other = await t.newTenant();
    const id = await createWidget(owner);
    const response = await request(t.app)
      .patch(`/widgets/${id}`)
      .set('x-tenant-id', owner)
      .send({ name: 'renamed', tenantId: other, id: 'x' })
      .expect(200);
    expect(response.body).toMatchObject({ id, name: 'renamed', tenantId: owner });
  });
});

describe('POST /widgets', () => {
  it('when the body names another tenant, then the row still belongs to the caller (mass assignment)', async () => {
    const owner = await t.newTenant();
    const other = await t.newTenant();
    const response = await request(t.app)
      .post('/widgets')
      .set('x-tenant-id', owner)
      .send({ name: 'w', tenantId: other, createdAt: '2000-01-01' })
      .expect(201);
    expect(response.body).toMatchObject({ tenantId: owner });
    expect((response.body as { createdAt: string }).createdAt).not.toContain('2000');
  });

  it('when the body carries a __proto__ key, then it is refused with 400', async () => {
    const owner = await t.newTenant();
    await request(t.app)
      .post('/widgets')
      .set('x-tenant-id', owner)
      .set('content-type', 'application/json')
      .send('{"name":"w","nested":{"__proto__":{"admin":true}}}')
      .expect(400);
  });

  it('when the body carries a constructor key, then it is refused with 400', async () => {
    const owner = await t.newTenant();
    await request(t.app)
      .post('/widgets')
      .set('x-tenant-id', owner)
      .send({ name: 'w', constructor: { prototype: {} } })
      .expect(400);
  });
});

describe('DELETE /widgets/:id', () => {
  it('when another tenant deletes the widget by id, then it answers 404 and the row survives', async () => {
    const owner = await t.newTenant();
    const intruder = await t.newTenant();
    const id = await createWidget(owner);
    await request(t.app).delete(`/widgets/${id}`).set('x-tenant-id', intruder).expect(404);
    await request(t.app).get(`/widgets/${id}`).set('x-tenant-id', owner).expect(200);
  });

  it('when the widget was already soft-deleted, then deleting it again answers 404 and keeps the first deletion time', async () => {
    const owner = await t.newTenant();
    const id = await createWidget(owner);
    await request(t.app).delete(`/widgets/${id}`).set('x-tenant-id', owner).expect(204);
    const first = await t.dataSource.getRepository(Widget).findOne({ where: { id }, withDeleted: true });
    await request(t.app).delete(`/widgets/${id}`).set('x-tenant-id', owner).expect(404);
    const second = await t.dataSource.getRepository(Widget).findOne({ where: { id }, withDeleted: true });
    expect(second?.deletedAt?.getTime()).toBe(first?.deletedAt?.getTime());
  });

  it('when the owner deletes the widget, then it is gone (soft-deleted) for later reads', async () => {
    const owner = await t.newTenant();
    const id = await createWidget(owner);
    await request(t.app).delete(`/widgets/${id}`).set('x-tenant-id', owner).expect(204);
    await request(t.app).get(`/widgets/${id}`).set('x-tenant-id', owner).expect(404);
    const raw = await t.dataSource.getRepository(Widget).findOne({ where: { id }, withDeleted: true });
    expect(raw?.deletedAt).toBeInstanceOf(Date);
  });
});

describe('TenantRepository', () => {
  it('when the id is undefined, null, empty or not a string, then nothing matches even though rows exist', async () => {
    const owner = await t.newTenant();
    await createWidget(owner);
    const widgets = new TenantRepository(t.dataSource, Widget, { rowLevelSecurity: false });
    await runWithTenant(owner, async () => {
      for (const id of [undefined, null, '', 42, { $ne: '' }]) {
        expect(await widgets.findById(id)).toBeNull();
        expect(await widgets.update(id, { name: 'x' })).toBeNull();
        expect(await widgets.delete(id)).toBe(false);
      }
    });
  });

  it('when list is asked for a negative or fractional page, then it refuses instead of reading without a limit', async () => {
    const owner = await t.newTenant();
    await createWidget(owner, 'a');
    await createWidget(owner, 'b');
    const widgets = new TenantRepository(t.dataSource, Widget, { rowLevelSecurity: false });
    await runWithTenant(owner, async () => {
      for (const paging of [{ take: -1 }, { take: 1.5 }, { take: Number.NaN }, { skip: -1 }, { skip: 0.5 }]) {
        await expect(widgets.list(paging)).rejects.toThrow(RangeError);
      }
      expect(await widgets.list({ take: 0 })).toEqual([]);
      expect(await widgets.list({ take: 1 })).toHaveLength(1);
      expect(await widgets.list({ take: 5000, skip: 1 })).toHaveLength(1);
    });
  });

  it('when no tenant is in context, then every call is refused', async () => {
    const widgets = new TenantRepository(t.dataSource, Widget, { rowLevelSecurity: false });
    await expect(widgets.list()).rejects.toThrow(/no tenant/);
  });

  it('when the where criteria name another tenant, then the current tenant still wins', async () => {
    const owner = await t.newTenant();
    const other = await t.newTenant();
    await createWidget(other, 'theirs');
    const widgets = new TenantRepository(t.dataSource, Widget, { rowLevelSecurity: false });
    const rows = await runWithTenant(owner, () => widgets.list({ where: { tenantId: other } }));
    expect(rows).toEqual([]);
  });
});

describe('tenantTransaction', () => {
  it('when work fails after tenant repositories wrote, then every write is rolled back', async () => {
    const tenantId = await t.newTenant();
    const widgets = new TenantRepository(t.dataSource, Widget, { rowLevelSecurity: false });
    const failing = tenantTransaction(t.dataSource, false, tenantId, async () => {
      await widgets.create({ name: 'undone' });
      expect(await widgets.count()).toBe(1);
      throw new Error('after the write');
    });
    await expect(failing).rejects.toThrow('after the write');
    expect(await runWithTenant(tenantId, () => widgets.count())).toBe(0);
    await tenantTransaction(t.dataSource, false, tenantId, () => widgets.create({ name: 'kept' }));
    expect(await runWithTenant(tenantId, () => widgets.count())).toBe(1);
  });
});
