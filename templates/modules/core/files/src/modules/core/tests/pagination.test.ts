import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../tenancy/pagination.js';
import { runWithTenant } from '../tenancy/tenant-context.js';
import { TenantRepository } from '../tenancy/tenant-repository.js';
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

interface WidgetPage {
  items: { id: string; name: string }[];
  nextCursor: string | null;
}

/** Many rows in a few statements, not one request each. */
async function insertWidgets(tenantId: string, count: number, prefix = 'w'): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    tenantId,
    name: `${prefix}-${String(i).padStart(5, '0')}`,
    internalCode: null,
  }));
  for (let start = 0; start < rows.length; start += 500) {
    await t.dataSource.getRepository(Widget).insert(rows.slice(start, start + 500));
  }
}

const listWidgets = (tenantId: string, query: Record<string, string>) =>
  request(t.app).get('/widgets').query(query).set('x-tenant-id', tenantId);

describe('TenantRepository.list', () => {
  it('when more rows match than any page size, then every one comes back (no silent cap)', async () => {
    const tenant = await t.newTenant();
    await insertWidgets(tenant, 1005);
    const widgets = new TenantRepository(t.dataSource, Widget, { rowLevelSecurity: false });
    expect(await runWithTenant(tenant, () => widgets.list())).toHaveLength(1005);
    expect(await runWithTenant(tenant, () => widgets.count())).toBe(1005);
  });

  it('when deleteWhere matches more rows than a page, then it deletes all of them and no other tenant’s', async () => {
    const tenant = await t.newTenant();
    const other = await t.newTenant();
    await insertWidgets(tenant, 1005);
    await insertWidgets(other, 3);
    const widgets = new TenantRepository(t.dataSource, Widget, { rowLevelSecurity: false });
    expect(await runWithTenant(tenant, () => widgets.deleteWhere({}))).toBe(1005);
    expect(await runWithTenant(tenant, () => widgets.count())).toBe(0);
    expect(await runWithTenant(other, () => widgets.count())).toBe(3);
  });
});

describe('GET /widgets (keyset pagination)', () => {
  it('when a list is walked page by page while rows are inserted, then every row comes back exactly once', async () => {
    const tenant = await t.newTenant();
    await insertWidgets(tenant, 45, 'm');
    const before = new Set(
      (await t.dataSource.getRepository(Widget).findBy({ tenantId: tenant })).map((widget) => widget.id),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const page: WidgetPage = (
        await listWidgets(tenant, { limit: '7', ...(cursor === null ? {} : { cursor }) }).expect(200)
      ).body as WidgetPage;
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((widget) => widget.id));
      cursor = page.nextCursor;
      // Rows that sort before, among and after the walk's position arrive between pages.
      await insertWidgets(tenant, 1, `a-${String(round)}`);
      await insertWidgets(tenant, 1, `m-${String(round).padStart(5, '0')}-x`);
      await insertWidgets(tenant, 1, `z-${String(round)}`);
      round += 1;
    } while (cursor !== null && round < 100);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
  });

  it('when rows share a sort key, then the id breaks the tie and none is skipped or repeated', async () => {
    const tenant = await t.newTenant();
    const rows = Array.from({ length: 25 }, () => ({
      id: randomUUID(),
      tenantId: tenant,
      name: 'same',
      internalCode: null,
    }));
    await t.dataSource.getRepository(Widget).insert(rows);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: WidgetPage = (
        await listWidgets(tenant, { limit: '4', ...(cursor === null ? {} : { cursor }) }).expect(200)
      ).body as WidgetPage;
      seen.push(...page.items.map((widget) => widget.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect([...seen].sort()).toEqual(rows.map((row) => row.id).sort());
  });

  it('when limit is left out, then a page holds 20 rows and names the next one', async () => {
    const tenant = await t.newTenant();
    await insertWidgets(tenant, 21);
    const page = (await listWidgets(tenant, {}).expect(200)).body as WidgetPage;
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
  });

  it('when limit is 0, 101, -1, 1.5, abc or empty, then 400 problem, never a silently cut page', async () => {
    const tenant = await t.newTenant();
    for (const limit of ['0', '101', '-1', '1.5', 'abc', '', '1000']) {
      const response = await listWidgets(tenant, { limit }).expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).toMatchObject({ title: 'Invalid page' });
    }
    await listWidgets(tenant, { limit: '1' }).expect(200);
    await listWidgets(tenant, { limit: '100' }).expect(200);
  });

  it('when the cursor is tampered with, of another list or of another tenant, then 400 problem', async () => {
    const tenant = await t.newTenant();
    const other = await t.newTenant();
    await insertWidgets(tenant, 3);
    const first = (await listWidgets(tenant, { limit: '1' }).expect(200)).body as WidgetPage;
    const cursor = first.nextCursor ?? '';
    await listWidgets(tenant, { limit: '1', cursor }).expect(200);
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const forged = (value: unknown[]) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      `${cursor.slice(0, -2)}!!`,
      'not-a-cursor',
      forged([...decoded.slice(0, 3), { $gt: '' }]),
      forged([decoded[0], decoded[1], 42, decoded[3]]),
      forged(decoded.slice(0, 3)),
      encodeCursor({ list: 'auth.users', tenantId: tenant }, { value: 'w', id: randomUUID() }),
      'x'.repeat(2000),
    ];
    for (const value of bad) {
      const response = await listWidgets(tenant, { cursor: value }).expect(400);
      expect(response.body).toMatchObject({ title: 'Invalid page' });
    }
    await listWidgets(other, { cursor }).expect(400);
  });
});

describe('the OpenAPI document of a paginated list', () => {
  it('when read, then limit is a documented integer from 1 to 100 and cursor a string', async () => {
    const document = (await request(t.app).get('/openapi.json').expect(200)).body as {
      paths: Record<string, { get?: { parameters?: { name: string; schema: Record<string, unknown> }[] } }>;
    };
    const parameters = document.paths['/widgets']?.get?.parameters ?? [];
    expect(parameters.find((parameter) => parameter.name === 'limit')?.schema).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 20,
    });
    expect(parameters.find((parameter) => parameter.name === 'cursor')?.schema).toMatchObject({ type: 'string' });
  });
});
