import type { Session } from './entities/session.entity.js';
import type { Role, User } from './entities/user.entity.js';
import type { MfaMethod } from './mfa.js';

/** What the route layer tells a service about the caller's connection. */
export interface ClientMeta {
  ip: string;
  userAgent: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  tenantId: string;
}

/** The answer of the password step when the account has a second factor: no tokens yet. */
export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
  methods: MfaMethod[];
}

/** What a session gets when it proves a new factor: an access token marked `mfa`, and recovery codes the first time. */
export interface FactorConfirmed {
  recoveryCodes?: string[];
  accessToken: string;
  expiresIn: number;
}

export interface PublicUser {
  id: string;
  tenantId: string;
  email: string;
  role: Role;
  emailVerified: boolean;
  disabled: boolean;
  createdAt: string;
}

export type SessionView = Pick<Session, 'id' | 'device' | 'ip' | 'userAgent'> & {
  lastSeenAt: string;
  createdAt: string;
  current: boolean;
};

export function publicUser(user: User): PublicUser {
  return {
    id: user.id,
    tenantId: user.tenantId,
    email: user.email,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}
