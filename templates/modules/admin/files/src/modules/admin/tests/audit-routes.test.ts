import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, registerOwner, type Account } from '../../auth/testing/auth-helpers.js';
import { placeholder, startAdminTestApp, tamper, withMfa, type AdminTestApp } from '../testing/admin-helpers.js';

let t: AdminTestApp;
let admin: Account;
let otherAdmin: Account;
beforeAll(async () => {
  t = await startAdminTestApp();
  admin = await withMfa(t, await registerOwner(t));
  otherAdmin = await withMfa(t, await registerOwner(t));
});
afterAll(async () => {
  await t.close();
});

interface RecordView {
  sequence: number;
  action: string;
  tenantId: string;
  requestId: string | null;
  actor: { id: string } | null;
}
interface RecordPage {
  items: RecordView[];
  nextCursor: string | null;
}

const get = (path: string, account: Account = admin) =>
  request(t.app).get(path).set('x-tenant-id', account.tenantId).set(bearer(account.accessToken));

describe('GET /admin/audit/records', () => {
  it('when an admin lists, then only their tenant’s records come back, newest first', async () => {
    const page = (await get('/admin/audit/records?limit=100').expect(200)).body as RecordPage;
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((item) => item.tenantId === admin.tenantId)).toBe(true);
    const sequences = page.items.map((item) => item.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => b - a));
  });

  it('when filtered by request id, then the record of that request comes back', async () => {
    const response = await get('/admin/audit/verify').expect(200);
    const requestId = String(response.headers['x-request-id']);
    await t.audit.record({
      action: 'widget.viewed',
      outcome: 'success',
      tenantId: admin.tenantId,
      actor: null,
      requestId,
    });
    const page = (await get(`/admin/audit/records?requestId=${requestId}`).expect(200)).body as RecordPage;
    expect(page.items.map((item) => item.action)).toEqual(['widget.viewed']);
  });

  it('when filtered by actor and action, then only matching records come back', async () => {
    for (const actor of ['alice', 'bob', 'alice']) {
      await t.audit.record({
        action: 'widget.touched',
        outcome: 'success',
        tenantId: admin.tenantId,
        actor: { type: 'user', id: actor },
      });
    }
    const page = (await get('/admin/audit/records?actor=alice&action=widget.touched').expect(200)).body as RecordPage;
    expect(page.items).toHaveLength(2);
    expect(page.items.every((item) => item.actor?.id === 'alice')).toBe(true);
  });

  it('when a time window is given, then records outside it are left out', async () => {
    const future = new Date(Date.now() + 60_000).toISOString();
    const page = (await get(`/admin/audit/records?from=${future}`).expect(200)).body as RecordPage;
    expect(page.items).toEqual([]);
  });

  it('when walked page by page, then every record appears once, in sequence order', async () => {
    for (let index = 0; index < 7; index += 1) {
      await t.audit.record({ action: 'widget.paged', outcome: 'success', tenantId: admin.tenantId, actor: null });
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = (await get(`/admin/audit/records?action=widget.paged&limit=3${query}`).expect(200))
        .body as RecordPage;
      seen.push(...page.items.map((item) => item.sequence));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(7);
    expect(seen).toEqual([...new Set(seen)].sort((a, b) => b - a));
  });

  it('when the limit is huge or the cursor is another tenant’s, then 400, never a 500', async () => {
    await get('/admin/audit/records?limit=1000000000').expect(400);
    const first = (await get('/admin/audit/records?limit=1', otherAdmin).expect(200)).body as RecordPage;
    expect(first.nextCursor).not.toBeNull();
    await get(`/admin/audit/records?cursor=${first.nextCursor ?? ''}`).expect(400);
  });
});

describe('POST /admin/audit/checkpoints and GET /admin/audit/verify', () => {
  it('when the chain is checkpointed and then edited, then verify names the edited record', async () => {
    const signed = await request(t.app)
      .post('/admin/audit/checkpoints')
      .set('x-tenant-id', otherAdmin.tenantId)
      .set(bearer(otherAdmin.accessToken))
      .expect(201);
    const { checkpoint } = signed.body as { checkpoint: { sequence: number } };
    expect((await get('/admin/audit/verify', otherAdmin).expect(200)).body).toMatchObject({
      ok: true,
      checkpointSequence: checkpoint.sequence,
    });
    const p = (index: number) => placeholder(t.dataSource, index);
    await tamper(
      t.dataSource,
      `UPDATE admin_audit_records SET "ip" = '10.6.6.6' WHERE chain = ${p(1)} AND sequence = 1`,
      [otherAdmin.tenantId],
    );
    expect((await get('/admin/audit/verify', otherAdmin).expect(200)).body).toMatchObject({
      ok: false,
      firstBad: { sequence: 1 },
    });
    // The other tenant's chain is its own: untouched, it still holds.
    expect((await get('/admin/audit/verify').expect(200)).body).toMatchObject({ ok: true });
  });
});
