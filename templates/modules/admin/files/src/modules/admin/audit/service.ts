import type { KeyObject } from 'node:crypto';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { Writable } from 'node:stream';
import {
  decodeCursor,
  encodeCursor,
  type Audit,
  type AuditEvent,
  type Page,
  type PageRequest,
} from '../../core/index.js';
import { AuditRecordRow } from '../entities/audit-record.entity.js';
import type { AdminCaller } from '../guard.js';
import { chainOf } from './chain.js';
import { exportRecords, type ExportManifest } from './export.js';
import { writeCheckpoints, type Checkpoint, type CheckpointFileSink } from './checkpoints.js';
import { verifyChains, type ChainReport } from './verify.js';

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  requestId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface AuditRecordView {
  id: string;
  sequence: number;
  at: string;
  tenantId: string | null;
  action: string;
  outcome: string;
  actor: { type: string; id: string; impersonatorId: string | null } | null;
  target: { type: string; id: string } | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  reason: string | null;
  changes: unknown;
  detail: unknown;
  hash: string;
}

/** Narrows a query of `record`s to `filter`: every value a bound parameter. */
export function applyFilter(query: SelectQueryBuilder<AuditRecordRow>, filter: AuditFilter): void {
  if (filter.actor !== undefined) query.andWhere('record.actorId = :actor', { actor: filter.actor });
  if (filter.action !== undefined) query.andWhere('record.action = :action', { action: filter.action });
  if (filter.targetType !== undefined) query.andWhere('record.targetType = :targetType', filter);
  if (filter.targetId !== undefined) query.andWhere('record.targetId = :targetId', filter);
  if (filter.requestId !== undefined) query.andWhere('record.requestId = :requestId', filter);
  // `at` is ISO 8601 text in UTC, so text order is time order.
  if (filter.from !== undefined) query.andWhere('record.at >= :from', { from: filter.from.toISOString() });
  if (filter.to !== undefined) query.andWhere('record.at < :to', { to: filter.to.toISOString() });
}

export const viewOf = (row: AuditRecordRow): AuditRecordView => ({
  id: row.id,
  sequence: row.sequence,
  at: row.at,
  tenantId: row.tenant,
  action: row.action,
  outcome: row.outcome,
  actor:
    row.actorType === null || row.actorId === null
      ? null
      : { type: row.actorType, id: row.actorId, impersonatorId: row.impersonatorId },
  target: row.targetType === null || row.targetId === null ? null : { type: row.targetType, id: row.targetId },
  ip: row.ip,
  userAgent: row.userAgent,
  requestId: row.requestId,
  reason: row.reason,
  changes: row.changes === null ? null : (JSON.parse(row.changes) as unknown),
  detail: row.detail === null ? null : (JSON.parse(row.detail) as unknown),
  hash: row.hash,
});

/** The audit trail as a tenant's admins see it: their tenant's chain only. */
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sink: CheckpointFileSink,
    private readonly keys: { privateKey: KeyObject; publicKey: KeyObject },
    private readonly audit: Audit,
  ) {}

  /**
   * Streams the tenant's filtered records to `out` as NDJSON with a signed manifest last (see `exportRecords`),
   * then records the export on the same chain.
   */
  async export(
    caller: AdminCaller,
    filter: AuditFilter,
    out: Writable,
    facts: Pick<AuditEvent, 'ip' | 'userAgent' | 'requestId'>,
  ): Promise<ExportManifest> {
    const manifest = await exportRecords(this.dataSource, caller.tenantId, filter, out, this.keys.privateKey);
    await this.audit.record({
      action: 'admin.audit.exported',
      outcome: 'success',
      tenantId: caller.tenantId,
      actor: { type: 'user', id: caller.subject },
      ...facts,
      detail: { records: manifest.records, sha256: manifest.sha256 },
    });
    return manifest;
  }

  /** Newest first, keyset-paginated by sequence; every filter is a bound parameter on an indexed chain. */
  async list(caller: AdminCaller, filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecordView>> {
    const chain = chainOf(caller.tenantId);
    const scope = { list: 'admin.audit', tenantId: caller.tenantId };
    const after = decodeCursor(page.cursor, { ...scope, valueType: 'number' });
    const query = this.dataSource
      .getRepository(AuditRecordRow)
      .createQueryBuilder('record')
      .where('record.chain = :chain', { chain });
    if (after !== undefined) query.andWhere('record.sequence < :after', { after: after.value });
    applyFilter(query, filter);
    const rows = await query
      .orderBy('record.sequence', 'DESC')
      .take(page.limit + 1)
      .getMany();
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    const nextCursor =
      rows.length > page.limit && last !== undefined
        ? encodeCursor(scope, { value: last.sequence, id: last.id })
        : null;
    return { items: items.map(viewOf), nextCursor };
  }

  async verify(caller: AdminCaller): Promise<ChainReport> {
    const chain = chainOf(caller.tenantId);
    const [report] = await verifyChains(this.dataSource, await this.sink.latest(), this.keys.publicKey, chain);
    return report ?? { chain, records: 0, checkpointSequence: null, ok: true, firstBad: null };
  }

  /** Signs the tenant's chain head now (nothing when it has not grown since its last checkpoint). */
  async checkpoint(caller: AdminCaller): Promise<Checkpoint | null> {
    const [written] = await writeCheckpoints(
      this.dataSource,
      this.sink,
      this.keys.privateKey,
      new Date(),
      chainOf(caller.tenantId),
    );
    return written ?? null;
  }
}
