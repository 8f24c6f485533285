import type { Logger, ModuleContext } from '../core/index.js';
import type { AuthEvent } from './events.js';

/** Where every feature of auth reports its security-relevant events: the log, and every `onAuthEvent` hook. */
export class AuthEventLog {
  private readonly logger: Logger;

  constructor(private readonly context: ModuleContext) {
    this.logger = context.logger;
  }

  async emit(event: Omit<AuthEvent, 'at'>): Promise<void> {
    const full: AuthEvent = { ...event, at: new Date().toISOString() };
    this.logger.info({ authEvent: full }, `auth event ${full.type}`);
    for (const hook of this.context.hooks.all('onAuthEvent')) {
      try {
        await hook(full);
      } catch (error) {
        this.logger.error({ err: error, authEvent: full.type }, 'an onAuthEvent hook failed');
      }
    }
  }
}
