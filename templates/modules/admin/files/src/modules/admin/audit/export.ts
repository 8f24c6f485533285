import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { AuditRecordRow } from '../entities/audit-record.entity.js';
import { canonicalJson } from './canonical-json.js';
import { chainOf } from './chain.js';
import { applyFilter, viewOf, type AuditFilter } from './service.js';

/** Rows read per query: memory stays bounded by this, whatever the chain's length. */
const BATCH = 500;

/** The last line of an export: what the lines before it hold, signed with the checkpoint key. */
export interface ExportManifest {
  chain: string;
  records: number;
  firstSequence: number | null;
  lastSequence: number | null;
  /** SHA-256 (hex) of every byte before the manifest line. */
  sha256: string;
  exportedAt: string;
}

/**
 * Writes the chain's records that match `filter` to `out` as NDJSON, oldest first, in batches by sequence, then one
 * line `{"manifest":…,"signature":…}` (Ed25519 over the manifest's canonical JSON). JSON escapes CR, LF and every
 * control character, so no field can start a line of its own. Waits for the reader when it falls behind.
 */
export async function exportRecords(
  dataSource: DataSource,
  tenantId: string,
  filter: AuditFilter,
  out: Writable,
  privateKey: KeyObject,
): Promise<ExportManifest> {
  const chain = chainOf(tenantId);
  const hash = createHash('sha256');
  let records = 0;
  let firstSequence: number | null = null;
  let lastSequence: number | null = null;
  let after = 0;
  for (;;) {
    const query = dataSource
      .getRepository(AuditRecordRow)
      .createQueryBuilder('record')
      .where('record.chain = :chain', { chain })
      .andWhere('record.sequence > :after', { after });
    applyFilter(query, filter);
    const rows = await query.orderBy('record.sequence', 'ASC').take(BATCH).getMany();
    for (const row of rows) {
      const line = `${JSON.stringify(viewOf(row))}\n`;
      hash.update(line);
      firstSequence ??= row.sequence;
      lastSequence = row.sequence;
      records += 1;
      if (!out.write(line)) await once(out, 'drain');
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < BATCH) break;
    after = last.sequence;
  }
  const manifest: ExportManifest = {
    chain,
    records,
    firstSequence,
    lastSequence,
    sha256: hash.digest('hex'),
    exportedAt: new Date().toISOString(),
  };
  const signature = sign(null, Buffer.from(canonicalJson(manifest)), privateKey).toString('base64url');
  out.write(`${JSON.stringify({ manifest, signature })}\n`);
  return manifest;
}

/** Checks an export's text against its last line: the digest of the lines before it, and the manifest's signature. */
export function verifyExport(text: string, publicKey: KeyObject): { ok: boolean; manifest: ExportManifest | null } {
  const cut = text.lastIndexOf('\n', text.length - 2) + 1;
  try {
    const { manifest, signature } = JSON.parse(text.slice(cut)) as { manifest: ExportManifest; signature: string };
    const signed = verify(null, Buffer.from(canonicalJson(manifest)), publicKey, Buffer.from(signature, 'base64url'));
    const digest = createHash('sha256').update(text.slice(0, cut)).digest('hex');
    return { ok: signed && digest === manifest.sha256, manifest };
  } catch {
    return { ok: false, manifest: null };
  }
}
