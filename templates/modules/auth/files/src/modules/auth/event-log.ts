import type { Logger, ModuleContext } from '../core/index.js';
import { auditEventOf } from './audit-events.js';
import type { AuthEvent } from './events.js';

/** Where every feature of auth reports its security-relevant events: the log, the audit trail, `onAuthEvent` hooks. */
export class AuthEventLog {
  private readonly logger: Logger;

  constructor(private readonly context: ModuleContext) {
    this.logger = context.logger;
  }

  async emit(event: Omit<AuthEvent, 'at'>): Promise<void> {
    const full: AuthEvent = { ...event, at: new Date().toISOString() };
    this.logger.info({ authEvent: full }, `auth event ${full.type}`);
    try {
      await this.context.audit.record(auditEventOf(full));
    } catch (error) {
      // Auth goes on (a failed login must still answer 401); the log line above keeps the event.
      this.logger.error({ err: error, authEvent: full.type }, 'the audit trail refused an auth event');
    }
    for (const hook of this.context.hooks.all('onAuthEvent')) {
      try {
        await hook(full);
      } catch (error) {
        this.logger.error({ err: error, authEvent: full.type }, 'an onAuthEvent hook failed');
      }
    }
  }
}
