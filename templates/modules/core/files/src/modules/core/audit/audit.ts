import type { Request } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { REDACTED, secretCensor, SECRET_KEYS } from '../logger.js';
import { TENANT_ID_PATTERN } from '../tenancy/tenant-context.js';

/** Who acted: an account of a tenant, a platform operator, the app itself (a job), or an API key. */
export interface AuditActor {
  type: 'user' | 'operator' | 'system' | 'api-key';
  id: string;
  /** The operator acting as `id` while impersonating it. */
  impersonatorId?: string;
}

/** One security-relevant act, as a module describes it to `context.audit.record`. */
export interface AuditEvent {
  /** `resource.verb` in lower case, e.g. `user.role_changed`, `auth.login.failed`, `billing.plan.changed`. */
  action: string;
  outcome: 'success' | 'denied' | 'error';
  /** The tenant the act concerns; null for an act on the platform itself (an operator creating a tenant). */
  tenantId: string | null;
  /** Null when nobody known acted (a failed login for an unknown address). */
  actor: AuditActor | null;
  target?: { type: string; id: string };
  /** Changed fields as before/after; the values of secret and sensitive fields are replaced by `[redacted]`. */
  changes?: Record<string, { before?: unknown; after?: unknown }>;
  reason?: string;
  ip?: string;
  userAgent?: string;
  /** The request's id, as in its `X-Request-Id` response header. */
  requestId?: string;
  detail?: Record<string, unknown>;
  /** When it happened; the time of the call unless given. */
  at?: Date;
}

/** What a recorder receives: the event checked, censored and stamped with its time. */
export type AuditRecord = AuditEvent & { at: Date };

export interface AuditRecordOptions {
  /** The transaction of the change the event describes: the record commits or rolls back with it. */
  manager?: EntityManager;
}

/** `context.audit`: what modules record security-relevant acts through. */
export interface Audit {
  record(event: AuditEvent, options?: AuditRecordOptions): Promise<void>;
}

/** Keeps the audit trail. A module (admin) provides one through `AppModule.auditRecorder`. */
export interface AuditRecorder {
  record(record: AuditRecord, options: AuditRecordOptions): Promise<void>;
}

const ACTION = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;
const CONTROL_CHARACTERS = /\p{Cc}/gu;
/** An identifier: no control character can forge a line in a log or an export. */
const identifier = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !/\p{Cc}/u.test(value), 'holds a control character');
/** Free text from outside (a user agent, a reason typed by a person): kept, with control characters neutralised. */
const text = (max: number) =>
  z.string().transform((value) => value.replace(CONTROL_CHARACTERS, '\uFFFD').slice(0, max));
const json = z.record(z.string(), z.unknown()).refine((value) => {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}, 'must be JSON-serialisable');

const auditEventSchema = z.strictObject({
  action: z.string().max(100).regex(ACTION, 'must be resource.verb in lower case'),
  outcome: z.enum(['success', 'denied', 'error']),
  tenantId: z.string().regex(TENANT_ID_PATTERN, 'must be a tenant id').nullable(),
  actor: z
    .strictObject({
      type: z.enum(['user', 'operator', 'system', 'api-key']),
      id: identifier(200),
      impersonatorId: identifier(200).optional(),
    })
    .nullable(),
  target: z.strictObject({ type: identifier(100), id: identifier(200) }).optional(),
  changes: z
    .record(z.string(), z.strictObject({ before: z.unknown().optional(), after: z.unknown().optional() }))
    .optional(),
  reason: text(1000).optional(),
  ip: identifier(64).optional(),
  userAgent: text(500).optional(),
  requestId: identifier(128).optional(),
  detail: json.optional(),
  at: z.date().optional(),
});

/** Who sent the request, for an event: address, user agent and request id. */
export function auditRequestOf(req: Request): Pick<AuditEvent, 'ip' | 'userAgent' | 'requestId'> {
  const userAgent = req.get('user-agent');
  return {
    ...(req.ip === undefined ? {} : { ip: req.ip }),
    ...(userAgent === undefined ? {} : { userAgent }),
    requestId: req.id,
  };
}

/**
 * `context.audit`: checks every event (a malformed one throws, so misuse fails the module's tests), censors secret
 * and sensitive fields, and hands it to every recorder modules provide, in module order; with none, the event goes
 * no further.
 */
export class AuditTrail implements Audit {
  private recorders: readonly AuditRecorder[] = [];
  private readonly censor: (value: Record<string, unknown>) => Record<string, unknown>;
  private readonly secret: Set<string>;

  constructor(sensitiveFields: readonly string[]) {
    const keys = [...SECRET_KEYS, ...sensitiveFields];
    this.censor = secretCensor(keys);
    this.secret = new Set(keys.map((key) => key.toLowerCase()));
  }

  /**
   * Set once by createApp from every module with an `auditRecorder` (admin's chain, a forwarder to a SIEM, a
   * test's probe): each receives every record, in the same transaction when one is given.
   */
  use(recorders: readonly AuditRecorder[]): void {
    this.recorders = recorders;
  }

  async record(event: AuditEvent, options: AuditRecordOptions = {}): Promise<void> {
    const parsed = auditEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new TypeError(`audit event ${event.action} is malformed: ${z.prettifyError(parsed.error)}`);
    }
    if (this.recorders.length === 0) return;
    const { changes, detail, ...rest } = parsed.data;
    const record: AuditRecord = { ...rest, at: rest.at ?? new Date() };
    if (changes !== undefined) record.changes = this.censorChanges(changes);
    if (detail !== undefined) record.detail = this.censor(detail);
    for (const recorder of this.recorders) await recorder.record(record, options);
  }

  private censorChanges(changes: NonNullable<AuditEvent['changes']>): NonNullable<AuditEvent['changes']> {
    const censored: NonNullable<AuditEvent['changes']> = {};
    for (const [field, change] of Object.entries(changes)) {
      // A secret field keeps its before/after shape, so a reader still sees that it changed.
      censored[field] = this.secret.has(field.toLowerCase())
        ? Object.fromEntries(Object.keys(change).map((side) => [side, REDACTED]))
        : this.censor(change);
    }
    return censored;
  }
}
