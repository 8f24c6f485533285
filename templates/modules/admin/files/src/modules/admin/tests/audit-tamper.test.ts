import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashOf } from '../audit/chain.js';
import { checkpointKeys, signCheckpoint, writeCheckpoints } from '../audit/checkpoints.js';
import { verifyChains } from '../audit/verify.js';
import { AuditRecordRow } from '../entities/audit-record.entity.js';
import { checkpointSetup } from '../runtime.js';
import { placeholder, startAdminTestApp, tamper, type AdminTestApp } from '../testing/admin-helpers.js';

let t: AdminTestApp;
beforeAll(async () => {
  t = await startAdminTestApp();
});
afterAll(async () => {
  await t.close();
});

/** A tenant with `count` records, all signed in a checkpoint. */
async function sealedChain(count: number): Promise<string> {
  const tenantId = await t.newTenant();
  for (let index = 1; index <= count; index += 1) {
    await t.audit.record({
      action: 'widget.renamed',
      outcome: 'success',
      tenantId,
      actor: { type: 'user', id: `user-${String(index)}` },
      changes: { name: { before: `name ${String(index - 1)}`, after: `name ${String(index)}` } },
    });
  }
  const { keys, sink } = checkpointSetup(t.config);
  await writeCheckpoints(t.dataSource, sink, keys.privateKey, new Date(), tenantId);
  return tenantId;
}

async function reportOf(tenantId: string) {
  const { keys, sink } = checkpointSetup(t.config);
  const [report] = await verifyChains(t.dataSource, await sink.latest(), keys.publicKey, tenantId);
  if (report === undefined) throw new Error(`no chain ${tenantId}`);
  return report;
}

async function expectFirstBad(tenantId: string, sequence: number, problem: RegExp): Promise<void> {
  const report = await reportOf(tenantId);
  expect(report.ok).toBe(false);
  expect(report.firstBad?.sequence).toBe(sequence);
  expect(report.firstBad?.problem).toMatch(problem);
}

const rows = (tenantId: string) =>
  t.dataSource.getRepository(AuditRecordRow).find({ where: { chain: tenantId }, order: { sequence: 'ASC' } });

const p = (index: number) => placeholder(t.dataSource, index);

describe('audit:verify', () => {
  it('when nothing was touched, then every record holds', async () => {
    const tenantId = await sealedChain(5);
    expect(await reportOf(tenantId)).toEqual({
      chain: tenantId,
      records: 5,
      checkpointSequence: 5,
      ok: true,
      firstBad: null,
    });
  });

  it('when a field of a record is edited, then that record is named', async () => {
    const tenantId = await sealedChain(5);
    await tamper(
      t.dataSource,
      `UPDATE admin_audit_records SET "actorId" = 'someone-else' WHERE chain = ${p(1)} AND sequence = 3`,
      [tenantId],
    );
    await expectFirstBad(tenantId, 3, /hash/);
  });

  it('when a middle record is deleted, then the gap is named', async () => {
    const tenantId = await sealedChain(5);
    await tamper(t.dataSource, `DELETE FROM admin_audit_records WHERE chain = ${p(1)} AND sequence = 2`, [tenantId]);
    await expectFirstBad(tenantId, 2, /missing/);
  });

  it('when two records swap sequence numbers, then the first of them is named', async () => {
    const tenantId = await sealedChain(5);
    // Through a free number: the unique (chain, sequence) index would refuse the swap in one statement on SQLite.
    await tamper(
      t.dataSource,
      `UPDATE admin_audit_records SET sequence = 1000 WHERE chain = ${p(1)} AND sequence = 3`,
      [tenantId],
    );
    await tamper(t.dataSource, `UPDATE admin_audit_records SET sequence = 3 WHERE chain = ${p(1)} AND sequence = 4`, [
      tenantId,
    ]);
    await tamper(
      t.dataSource,
      `UPDATE admin_audit_records SET sequence = 4 WHERE chain = ${p(1)} AND sequence = 1000`,
      [tenantId],
    );
    await expectFirstBad(tenantId, 3, /previousHash/);
  });

  it('when the newest records and the head are cut off, then the checkpoint names what is gone', async () => {
    const tenantId = await sealedChain(5);
    await tamper(t.dataSource, `DELETE FROM admin_audit_records WHERE chain = ${p(1)} AND sequence > 3`, [tenantId]);
    const [kept] = (await rows(tenantId)).slice(-1);
    await t.dataSource.query(`UPDATE admin_audit_heads SET sequence = 3, hash = ${p(1)} WHERE chain = ${p(2)}`, [
      kept?.hash,
      tenantId,
    ]);
    await expectFirstBad(tenantId, 4, /4 to 5/);
  });

  it('when records after the last checkpoint are cut off, then the head row names the loss', async () => {
    const tenantId = await sealedChain(3);
    await t.audit.record({ action: 'widget.renamed', outcome: 'success', tenantId, actor: null });
    await tamper(t.dataSource, `DELETE FROM admin_audit_records WHERE chain = ${p(1)} AND sequence = 4`, [tenantId]);
    await expectFirstBad(tenantId, 4, /gone/);
  });

  it('when the chain is rewritten with every hash recomputed, then the signed checkpoint catches it', async () => {
    const tenantId = await sealedChain(5);
    let previousHash = '';
    for (const row of await rows(tenantId)) {
      if (previousHash !== '') row.previousHash = previousHash;
      if (row.sequence === 2) row.actorId = 'someone-else';
      row.hash = hashOf(row);
      await tamper(
        t.dataSource,
        `UPDATE admin_audit_records SET "actorId" = ${p(1)}, "previousHash" = ${p(2)}, hash = ${p(3)} WHERE id = ${p(4)}`,
        [row.actorId, row.previousHash, row.hash, row.id],
      );
      previousHash = row.hash;
    }
    await t.dataSource.query(`UPDATE admin_audit_heads SET hash = ${p(1)} WHERE chain = ${p(2)}`, [
      previousHash,
      tenantId,
    ]);
    await expectFirstBad(tenantId, 5, /rewritten/);
  });

  it('when a checkpoint is forged with another key, then its signature is refused', async () => {
    const tenantId = await sealedChain(2);
    const [last] = (await rows(tenantId)).slice(-1);
    const forged = signCheckpoint(
      { chain: tenantId, sequence: 2, headHash: last?.hash ?? '', at: new Date().toISOString() },
      checkpointKeys('an attacker’s own key, not the app’s').privateKey,
    );
    await appendFile(path.join(t.checkpointDir, 'checkpoints.ndjson'), `${JSON.stringify(forged)}\n`);
    await expectFirstBad(tenantId, 2, /signature/);
  });
});
