import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, registerOwner, totpNow, type Account } from '../../auth/testing/auth-helpers.js';
import { verifyExport } from '../audit/export.js';
import { checkpointSetup } from '../runtime.js';
import { startAdminTestApp, withMfa, type AdminTestApp } from '../testing/admin-helpers.js';

let t: AdminTestApp;
beforeAll(async () => {
  t = await startAdminTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  vi.useRealTimers();
});

type Admin = Account & { totpSecret: string };

const exportAudit = (admin: Pick<Account, 'tenantId' | 'accessToken'>) =>
  request(t.app)
    .get('/admin/audit/export')
    .set('x-tenant-id', admin.tenantId)
    .set(bearer(admin.accessToken))
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        done(null, text);
      });
    });

const stepUp = (admin: Admin, code: string) =>
  request(t.app).post('/auth/mfa/step-up').set(bearer(admin.accessToken)).send({ code });

/** Moves the clock `minutes` ahead (Date only: sockets and timers keep running). */
const later = (minutes: number) => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + minutes * 60_000 });
};

async function steppedUp(admin: Admin): Promise<Admin> {
  // The login used this step's code: step-up needs a later one (a code, or an earlier one, is accepted once).
  const response = await stepUp(admin, await totpNow(admin.totpSecret, 1)).expect(200);
  return { ...admin, accessToken: (response.body as { accessToken: string }).accessToken };
}

describe('step-up before a sensitive act (GET /admin/audit/export)', () => {
  it('when the second factor is over five minutes old, then 401 with the RFC 9470 challenge', async () => {
    const admin = await withMfa(t, await registerOwner(t));
    later(6);
    const response = await exportAudit(admin).expect(401);
    expect(response.headers['www-authenticate']).toMatch(/error="insufficient_user_authentication".*max_age=300/);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when a stale session refreshes its token, then the new token is as stale: refresh is no second factor', async () => {
    const admin = await withMfa(t, await registerOwner(t));
    later(6);
    const refreshed = await request(t.app).post('/auth/refresh').send({ refreshToken: admin.refreshToken }).expect(200);
    const accessToken = (refreshed.body as { accessToken: string }).accessToken;
    await exportAudit({ ...admin, accessToken }).expect(401);
  });

  it('when the admin steps up with a current code, then the act is allowed for five minutes, and not after', async () => {
    const admin = await withMfa(t, await registerOwner(t));
    later(6);
    const fresh = await steppedUp(admin);
    await exportAudit(fresh).expect(200);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 5 * 60_000 + 1000 });
    await exportAudit(fresh).expect(401);
  });

  it('when the same code is sent to step up twice, then the second is refused', async () => {
    const admin = await withMfa(t, await registerOwner(t));
    const code = await totpNow(admin.totpSecret, 1);
    await stepUp(admin, code).expect(200);
    await stepUp(admin, code).expect(401);
  });

  it('when a code is wrong five times in a session, then step-up answers 429, even to a right code', async () => {
    const admin = await withMfa(t, await registerOwner(t));
    for (let attempt = 0; attempt < 5; attempt += 1) await stepUp(admin, '000000').expect(401);
    await stepUp(admin, await totpNow(admin.totpSecret, 1)).expect(429);
  });
});

describe('GET /admin/audit/export', () => {
  it('when exported, then every record of the chain comes once, oldest first, and the signed manifest verifies', async () => {
    const admin = await steppedUp(await withMfa(t, await registerOwner(t)));
    // More records than one batch (500) of the export.
    for (let index = 0; index < 520; index += 1) {
      await t.audit.record({ action: 'widget.renamed', outcome: 'success', tenantId: admin.tenantId, actor: null });
    }
    const response = await exportAudit(admin).expect(200);
    expect(response.headers['content-type']).toMatch(/application\/x-ndjson/);
    const text = response.body as string;
    const lines = text.trimEnd().split('\n');
    const records = lines.slice(0, -1).map((line) => JSON.parse(line) as { sequence: number; tenantId: string });
    expect(records.length).toBeGreaterThan(520);
    expect(records.map((r) => r.sequence)).toEqual(records.map((_, index) => index + 1));
    expect(new Set(records.map((r) => r.tenantId))).toEqual(new Set([admin.tenantId]));
    const { publicKey } = checkpointSetup(t.config).keys;
    expect(verifyExport(text, publicKey)).toMatchObject({ ok: true, manifest: { records: records.length } });
    // One byte changed anywhere before the manifest, and it no longer verifies.
    expect(verifyExport(text.replace('widget.renamed', 'widget.renamer'), publicKey).ok).toBe(false);
  });

  it('when a field holds CR, LF or ANSI escapes, then they cannot start a line of their own', async () => {
    const admin = await steppedUp(await withMfa(t, await registerOwner(t)));
    const forged = '\r\n{"sequence":1,"action":"auth.login.succeeded"}\n\u001b[2K';
    await t.audit.record({
      action: 'widget.renamed',
      outcome: 'success',
      tenantId: admin.tenantId,
      actor: null,
      reason: forged,
    });
    const text = (await exportAudit(admin).expect(200)).body as string;
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^\{"(id|manifest)":/);
    const reasons = lines.slice(0, -1).map((line) => (JSON.parse(line) as { reason: string | null }).reason);
    const kept = reasons.find((reason) => reason?.includes('{"sequence":1') === true);
    expect(kept).toBeDefined();
    expect(kept).not.toMatch(/\p{Cc}/u);
  });

  it('when exported, then the export itself is on the audit trail', async () => {
    const admin = await steppedUp(await withMfa(t, await registerOwner(t)));
    await exportAudit(admin).expect(200);
    const response = await request(t.app)
      .get('/admin/audit/records')
      .query({ action: 'admin.audit.exported' })
      .set('x-tenant-id', admin.tenantId)
      .set(bearer(admin.accessToken))
      .expect(200);
    expect((response.body as { items: unknown[] }).items).toHaveLength(1);
  });
});
