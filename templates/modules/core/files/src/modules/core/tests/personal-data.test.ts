import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppModule } from '../contract.js';
import type { DataSubject } from '../personal-data/personal-data.js';
import { runWithTenant } from '../tenancy/tenant-context.js';
import { TenantRepository } from '../tenancy/tenant-repository.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { Widget } from '../testing/widgets/widget.entity.js';
import { widgetsModule } from '../testing/widgets/widgets.module.js';

const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') === true;
const ownerName = (userId: string) => `owner:${userId}`;

/** Holds a person's data in a real table: the widgets named after them. */
const widgetOwners: AppModule = {
  name: 'test_widget_owners',
  setup: () => ({
    personalData: {
      async export({ tenantId, userId }, manager) {
        const widgets = await manager.find(Widget, {
          where: { tenantId, name: ownerName(userId) },
          order: { id: 'ASC' },
        });
        return { widgets: widgets.map(({ id, name }) => ({ id, name })) };
      },
      async erase({ tenantId, userId }, manager) {
        const result = await manager.delete(Widget, { tenantId, name: ownerName(userId) });
        return { widgets: result.affected ?? 0 };
      },
    },
  }),
};

/** Holds data elsewhere (think: a Stripe customer); logs each call and fails for the subjects told to. */
function remoteRecords(calls: string[]): AppModule {
  return {
    name: 'test_remote_records',
    setup: () => ({
      personalData: {
        export: (subject) => {
          calls.push(`export ${subject.userId}`);
          return Promise.resolve({ customers: [{ reference: `cus-${subject.userId}` }] });
        },
        erase: (subject) => {
          calls.push(`erase ${subject.userId}`);
          if (subject.userId.startsWith('fail-')) return Promise.reject(new Error('the provider is down'));
          return Promise.resolve({ customers: 1 });
        },
      },
    }),
  };
}

async function addWidgets(t: TestApp, tenantId: string, names: readonly string[]): Promise<void> {
  const widgets = new TenantRepository(t.dataSource, Widget, { rowLevelSecurity: t.config.core.rowLevelSecurity });
  await runWithTenant(tenantId, async () => {
    for (const name of names) await widgets.create({ name, internalCode: null });
  });
}

async function widgetNames(t: TestApp, tenantId: string): Promise<string[]> {
  const widgets = new TenantRepository(t.dataSource, Widget, { rowLevelSecurity: t.config.core.rowLevelSecurity });
  const rows = await runWithTenant(tenantId, () => widgets.list({ order: { name: 'ASC' } }));
  return rows.map((row) => row.name);
}

describe('personal data across modules', () => {
  const calls: string[] = [];
  let t: TestApp;
  beforeAll(async () => {
    // The remote module comes first: erasure runs in reverse, so it erases after the widget owners did.
    t = await startTestApp({ modules: [widgetsModule, remoteRecords(calls), widgetOwners] });
  });
  afterAll(async () => {
    await t.close();
  });

  const subjectIn = (tenantId: string, prefix = 'u'): DataSubject => ({
    tenantId,
    userId: `${prefix}-${randomBytes(4).toString('hex')}`,
  });

  it('when the app is assembled, then every module that holds personal data contributes, in module order', () => {
    const names = t.instance.context.personalData.contributors().map((contributor) => contributor.module);
    expect(names).toEqual(expect.arrayContaining(['core', 'test_remote_records', 'test_widget_owners']));
    expect(names.indexOf('core')).toBeLessThan(names.indexOf('test_remote_records'));
    expect(names.indexOf('test_remote_records')).toBeLessThan(names.indexOf('test_widget_owners'));
    expect(names).not.toContain('test_widgets');
  });

  it('when a subject is exported, then each module answers under its name, core with the tenant', async () => {
    const tenant = await t.newTenant();
    const subject = subjectIn(tenant);
    await addWidgets(t, tenant, [ownerName(subject.userId), ownerName(subject.userId), 'someone else']);
    const exported = await t.instance.context.personalData.exportSubject(subject);
    expect(exported.core).toEqual({ tenant: [expect.objectContaining({ id: tenant })] });
    expect(exported.test_remote_records).toEqual({ customers: [{ reference: `cus-${subject.userId}` }] });
    expect(exported.test_widget_owners?.widgets?.map((row) => row.name)).toEqual([
      ownerName(subject.userId),
      ownerName(subject.userId),
    ]);
  });

  it('when a subject is erased, then every module erases theirs, dependents first, and nothing of anyone else', async () => {
    const tenant = await t.newTenant();
    const otherTenant = await t.newTenant();
    const subject = subjectIn(tenant);
    await addWidgets(t, tenant, [ownerName(subject.userId), ownerName(subject.userId), 'someone else']);
    await addWidgets(t, otherTenant, [ownerName(subject.userId)]);
    const report = await t.instance.context.personalData.eraseSubject(subject);
    // Other installed modules (auth) take part too and find nothing of this made-up subject.
    expect(report).toMatchObject({ test_widget_owners: { widgets: 2 }, test_remote_records: { customers: 1 } });
    const order = Object.keys(report);
    expect(order.indexOf('test_widget_owners')).toBeLessThan(order.indexOf('test_remote_records'));
    expect(await widgetNames(t, tenant)).toEqual(['someone else']);
    expect(await widgetNames(t, otherTenant)).toEqual([ownerName(subject.userId)]);
  });

  it('when one module fails to erase, then no module has erased anything (one transaction)', async () => {
    const tenant = await t.newTenant();
    const subject = subjectIn(tenant, 'fail');
    await addWidgets(t, tenant, [ownerName(subject.userId)]);
    await expect(t.instance.context.personalData.eraseSubject(subject)).rejects.toThrow('the provider is down');
    expect(calls).toContain(`erase ${subject.userId}`);
    expect(await widgetNames(t, tenant)).toEqual([ownerName(subject.userId)]);
  });

  it.each<[string, DataSubject]>([
    ['a tenant that is not a tenant id', { tenantId: 'Not a tenant', userId: 'u-1' }],
    ['an empty user id', { tenantId: 'acme', userId: '' }],
  ])('when a request names %s, then it throws before any module runs', async (_case, subject) => {
    const before = calls.length;
    await expect(t.instance.context.personalData.exportSubject(subject)).rejects.toThrow(TypeError);
    await expect(t.instance.context.personalData.eraseSubject(subject)).rejects.toThrow(TypeError);
    expect(calls).toHaveLength(before);
  });
});

describe.skipIf(!onPostgres)('personal data behind row-level security (PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ rowLevelSecurity: true, modules: [widgetsModule, widgetOwners] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('when a subject is exported and erased as the app role, then the tenant is set for the transaction', async () => {
    const tenant = await t.newTenant();
    const subject = { tenantId: tenant, userId: 'u-rls' };
    await addWidgets(t, tenant, [ownerName(subject.userId)]);
    const exported = await t.instance.context.personalData.exportSubject(subject);
    expect(exported.test_widget_owners?.widgets).toHaveLength(1);
    expect(await t.instance.context.personalData.eraseSubject(subject)).toMatchObject({
      test_widget_owners: { widgets: 1 },
    });
    expect(await widgetNames(t, tenant)).toEqual([]);
  });
});
