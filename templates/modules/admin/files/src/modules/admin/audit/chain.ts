import { createHash } from 'node:crypto';
import type { AuditRecord } from '../../core/index.js';
import type { AuditRecordRow } from '../entities/audit-record.entity.js';
import { canonicalJson } from './canonical-json.js';

/** The chain of acts on the platform itself (no tenant); never a tenant id, which has no underscore. */
export const PLATFORM_CHAIN = '_platform';
/** What the first record of every chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

export const chainOf = (tenantId: string | null): string => tenantId ?? PLATFORM_CHAIN;

/** JSON text as it will be read back: what is hashed is exactly what is stored. */
const jsonText = (value: object | undefined): string | null =>
  value === undefined ? null : canonicalJson(JSON.parse(JSON.stringify(value)));

/** A record's row before it is linked: every field but its sequence and hashes. */
export function rowOf(record: AuditRecord, id: string): Omit<AuditRecordRow, 'sequence' | 'previousHash' | 'hash'> {
  return {
    id,
    chain: chainOf(record.tenantId),
    tenant: record.tenantId,
    at: record.at.toISOString(),
    action: record.action,
    outcome: record.outcome,
    actorType: record.actor?.type ?? null,
    actorId: record.actor?.id ?? null,
    impersonatorId: record.actor?.impersonatorId ?? null,
    targetType: record.target?.type ?? null,
    targetId: record.target?.id ?? null,
    ip: record.ip ?? null,
    userAgent: record.userAgent ?? null,
    requestId: record.requestId ?? null,
    reason: record.reason ?? null,
    changes: jsonText(record.changes),
    detail: jsonText(record.detail),
  };
}

/** SHA-256 over the canonical JSON (RFC 8785) of every field of the row but its own hash. */
export function hashOf(row: Omit<AuditRecordRow, 'hash'>): string {
  const { id, chain, sequence, tenant, at, action, outcome, actorType, actorId, impersonatorId } = row;
  const { targetType, targetId, ip, userAgent, requestId, reason, changes, detail, previousHash } = row;
  const hashed = {
    ...{ id, chain, sequence, tenant, at, action, outcome, actorType, actorId, impersonatorId },
    ...{ targetType, targetId, ip, userAgent, requestId, reason, changes, detail, previousHash },
  };
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}
