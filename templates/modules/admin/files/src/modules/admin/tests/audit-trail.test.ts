import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../core/index.js';
import { AuditRecordRow } from '../entities/audit-record.entity.js';
import { checkpointSetup } from '../runtime.js';
import { verifyChains } from '../audit/verify.js';
import { placeholder, startAdminTestApp, type AdminTestApp } from '../testing/admin-helpers.js';

let t: AdminTestApp;
beforeAll(async () => {
  t = await startAdminTestApp();
});
afterAll(async () => {
  await t.close();
});

const event = (tenantId: string, overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  action: 'widget.renamed',
  outcome: 'success',
  tenantId,
  actor: { type: 'user', id: 'user-1' },
  target: { type: 'widget', id: 'w-1' },
  changes: { name: { before: 'old', after: 'new' }, passwordHash: { before: 'x', after: 'y' } },
  requestId: 'req-1',
  ...overrides,
});

const chainRows = (tenantId: string) =>
  t.dataSource.getRepository(AuditRecordRow).find({ where: { chain: tenantId }, order: { sequence: 'ASC' } });

async function reportOf(tenantId: string) {
  const { keys, sink } = checkpointSetup(t.config);
  const [report] = await verifyChains(t.dataSource, await sink.latest(), keys.publicKey, tenantId);
  return report;
}

describe('context.audit.record', () => {
  it('when records are written, then they form a hash chain with every field and secrets redacted', async () => {
    const tenantId = await t.newTenant();
    await t.audit.record(event(tenantId));
    await t.audit.record(event(tenantId, { action: 'widget.deleted', reason: 'spam' }));
    const rows = await chainRows(tenantId);
    expect(rows.map((row) => row.sequence)).toEqual([1, 2]);
    expect(rows[1]?.previousHash).toBe(rows[0]?.hash);
    expect(rows[0]).toMatchObject({ tenant: tenantId, actorId: 'user-1', targetId: 'w-1', requestId: 'req-1' });
    expect(JSON.parse(rows[0]?.changes ?? '{}')).toEqual({
      name: { before: 'old', after: 'new' },
      passwordHash: { before: '[redacted]', after: '[redacted]' },
    });
    expect(await reportOf(tenantId)).toMatchObject({ ok: true, records: 2 });
  });

  it('when the caller’s transaction rolls back, then its record is gone with it', async () => {
    const tenantId = await t.newTenant();
    await t.dataSource
      .transaction(async (manager) => {
        await t.audit.record(event(tenantId), { manager });
        throw new Error('the change failed');
      })
      .catch(() => undefined);
    await t.dataSource.transaction((manager) => t.audit.record(event(tenantId), { manager }));
    const rows = await chainRows(tenantId);
    expect(rows.map((row) => row.sequence)).toEqual([1]);
    expect(await reportOf(tenantId)).toMatchObject({ ok: true });
  });

  it('when 20 writers of one tenant record at once, each in its own transaction, then the chain does not fork', async () => {
    const tenantId = await t.newTenant();
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        t.audit.record(event(tenantId, { target: { type: 'widget', id: `w-${String(index)}` } })),
      ),
    );
    const rows = await chainRows(tenantId);
    expect(rows.map((row) => row.sequence)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(new Set(rows.map((row) => row.previousHash)).size).toBe(20);
    expect(await reportOf(tenantId)).toMatchObject({ ok: true, records: 20 });
  });
});

describe('immutability', () => {
  it('when the app’s database role updates or deletes an audit record, then the database refuses', async () => {
    const tenantId = await t.newTenant();
    await t.audit.record(event(tenantId));
    const [row] = await chainRows(tenantId);
    const id = placeholder(t.dataSource, 1);
    await expect(
      t.dataSource.query(`UPDATE admin_audit_records SET "action" = 'widget.nothing' WHERE "id" = ${id}`, [row?.id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM admin_audit_records WHERE "id" = ${id}`, [row?.id])).rejects.toThrow(
      /append-only/,
    );
    expect(await chainRows(tenantId)).toHaveLength(1);
  });
});
