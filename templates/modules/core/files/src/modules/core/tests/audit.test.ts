import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { auditRequestOf, type AuditEvent, type AuditRecord, type AuditRecordOptions } from '../audit/audit.js';
import type { AppModule } from '../contract.js';
import { defineRoute } from '../http/route.js';
import { currentTenantId } from '../tenancy/tenant-context.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';

const valid: AuditEvent = {
  action: 'widget.renamed',
  outcome: 'success',
  tenantId: 'acme',
  actor: { type: 'user', id: 'u-1' },
};

/** A module that keeps the audit trail in memory, as admin keeps it in its tables, and a route that records. */
function auditingModule(recorded: { record: AuditRecord; options: AuditRecordOptions | undefined }[]): AppModule {
  return {
    name: 'test_audit',
    sensitiveFields: ['internalNote'],
    setup: (context) => ({
      auditRecorder: {
        record: (record, options) => {
          recorded.push({ record, options });
          return Promise.resolve();
        },
      },
      routes: [
        defineRoute({
          method: 'post',
          path: '/audited/:id',
          public: true,
          summary: 'Rename something, on the record',
          request: { params: z.object({ id: z.string() }), body: z.object({ name: z.string() }) },
          status: 204,
          responses: { 204: { description: 'Renamed' } },
          handler: async ({ params, body }, { req }) => {
            await context.audit.record({
              action: 'widget.renamed',
              outcome: 'success',
              tenantId: currentTenantId(),
              actor: { type: 'user', id: 'u-1', impersonatorId: 'op-1' },
              target: { type: 'widget', id: params.id },
              changes: { name: { before: 'old', after: body.name }, password: { before: 'p1', after: 'p2' } },
              detail: { internalNote: 'hidden', nested: { token: 'secret' }, kept: 1 },
              reason: 'asked by\r\nthe owner',
              ...auditRequestOf(req),
            });
          },
        }),
      ],
    }),
  };
}

describe('context.audit without a module that keeps the trail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('when a well-formed event is recorded, then it resolves and goes nowhere', async () => {
    await expect(t.instance.context.audit.record(valid)).resolves.toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['an action that is not resource.verb', { ...valid, action: 'Renamed' }],
    ['an unknown outcome', { ...valid, outcome: 'ok' }],
    ['a tenant that is not a tenant id', { ...valid, tenantId: 'Not A Tenant' }],
    ['a missing actor', { action: valid.action, outcome: valid.outcome, tenantId: valid.tenantId }],
    ['a line break in an id', { ...valid, actor: { type: 'user', id: 'u-1\nforged line' } }],
    ['a detail that is not JSON', { ...valid, detail: { count: 1n } }],
    ['an unknown field', { ...valid, who: 'me' }],
  ])('when an event has %s, then recording it throws even as a no-op', async (_case, event) => {
    await expect(t.instance.context.audit.record(event as AuditEvent)).rejects.toThrow(TypeError);
  });
});

describe('context.audit with a module that keeps the trail', () => {
  const recorded: { record: AuditRecord; options: AuditRecordOptions | undefined }[] = [];
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ modules: [auditingModule(recorded)] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('when a route records an act, then the module receives it with the request id the response carries', async () => {
    const tenant = await t.newTenant();
    const response = await request(t.app)
      .post('/audited/w-7')
      .set('x-tenant-id', tenant)
      .set('user-agent', 'forge-test')
      .send({ name: 'new' })
      .expect(204);
    const { record } = recorded.at(-1) ?? expect.fail('nothing recorded');
    expect(record).toMatchObject({
      action: 'widget.renamed',
      tenantId: tenant,
      actor: { type: 'user', id: 'u-1', impersonatorId: 'op-1' },
      target: { type: 'widget', id: 'w-7' },
      requestId: response.headers['x-request-id'],
    });
    expect(record.at).toBeInstanceOf(Date);
    expect(record.ip).toMatch(/127\.0\.0\.1|::1/);
    expect(record.userAgent).toBe('forge-test');
    // Control characters from outside never reach a log line or an export as such.
    expect(record.reason).toBe('asked by\uFFFD\uFFFDthe owner');
  });

  it('when free text holds terminal escapes, then the module receives them neutralised', async () => {
    await t.instance.context.audit.record({ ...valid, userAgent: 'agent\u001b[31m', reason: 'a\u0000b' });
    expect(recorded.at(-1)?.record).toMatchObject({ userAgent: 'agent\uFFFD[31m', reason: 'a\uFFFDb' });
  });

  it('when an event carries secret or sensitive fields, then the module receives them redacted', async () => {
    const tenant = await t.newTenant();
    await request(t.app).post('/audited/w-8').set('x-tenant-id', tenant).send({ name: 'new' }).expect(204);
    const { record } = recorded.at(-1) ?? expect.fail('nothing recorded');
    expect(record.changes).toEqual({
      name: { before: 'old', after: 'new' },
      password: { before: '[redacted]', after: '[redacted]' },
    });
    expect(record.detail).toEqual({ internalNote: '[redacted]', nested: { token: '[redacted]' }, kept: 1 });
  });

  it('when an event is recorded within a transaction, then the module receives that transaction to write in', async () => {
    await t.dataSource.transaction(async (manager) => {
      await t.instance.context.audit.record(valid, { manager });
      expect(recorded.at(-1)?.options?.manager).toBe(manager);
    });
  });

  it('when an event is malformed, then the module never sees it', async () => {
    const before = recorded.length;
    await expect(
      t.instance.context.audit.record({ ...valid, outcome: 'maybe' } as unknown as AuditEvent),
    ).rejects.toThrow(TypeError);
    expect(recorded).toHaveLength(before);
  });
});
