import type { AuditEvent } from '../core/index.js';
import type { AuthEvent } from './events.js';

/** Refused attempts; every other auth event records something that happened. */
const DENIED: ReadonlySet<AuthEvent['type']> = new Set(['login.failed', 'refresh.reused']);
/** Events no authenticated person caused: whoever tried is not known to be the account's owner. */
const ANONYMOUS: ReadonlySet<AuthEvent['type']> = new Set(['login.failed', 'account.locked', 'refresh.reused']);

/** An auth event as the app's audit trail records it: `auth.<event>`, acting user, the account or role it touched. */
export function auditEventOf(event: AuthEvent): AuditEvent {
  const actorId = event.actorId ?? (ANONYMOUS.has(event.type) ? undefined : event.userId);
  const role = event.detail?.role;
  const target =
    event.type.startsWith('role.') && typeof role === 'string'
      ? { type: 'role', id: role }
      : event.userId === undefined
        ? undefined
        : { type: 'user', id: event.userId };
  return {
    action: `auth.${event.type}`,
    outcome: DENIED.has(event.type) ? 'denied' : 'success',
    tenantId: event.tenantId,
    actor: actorId === undefined ? null : { type: 'user', id: actorId },
    ...(target === undefined ? {} : { target }),
    ...(event.ip === undefined ? {} : { ip: event.ip }),
    ...(event.detail === undefined ? {} : { detail: event.detail }),
    at: new Date(event.at),
  };
}
