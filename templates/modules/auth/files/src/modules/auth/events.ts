/** Security-relevant auth events, for the audit trail of whichever module records one (e.g. admin). */
export interface AuthEvent {
  type:
    | 'login.succeeded'
    | 'login.failed'
    | 'account.locked'
    | 'account.unlocked'
    | 'refresh.reused'
    | 'password.changed'
    | 'password.reset'
    | 'sessions.revoked'
    | 'user.registered'
    | 'user.role_changed'
    | 'role.created'
    | 'role.updated'
    | 'role.deleted'
    | 'user.disabled'
    | 'mfa.enrolled'
    | 'mfa.removed'
    | 'mfa.stepped_up'
    | 'email.changed'
    | 'identity.linked';
  tenantId: string;
  /** The account concerned, when known. */
  userId?: string;
  /** Who acted, when it is not the account itself. */
  actorId?: string;
  ip?: string;
  detail?: Record<string, unknown>;
  at: string;
}

declare module '../core/contract.js' {
  interface AppHooks {
    /** Receives every auth event; implement it to keep an audit trail. Failures are logged, never block auth. */
    onAuthEvent: (event: AuthEvent) => Promise<void>;
  }
}
