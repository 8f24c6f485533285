import type { Limiter, Mailer, ModuleContext } from '../core/index.js';
import { AccountService } from './accounts/service.js';
import { CredentialService } from './credentials/service.js';
import { AuthEventLog } from './event-log.js';
import { EmailedLinks } from './links.js';
import { LoginService } from './login/service.js';
import { limitOrRefuse, type Lockout } from './lockout.js';
import type { Mfa } from './mfa.js';
import { MfaService } from './mfa/service.js';
import type { PasswordHasher } from './passwords.js';
import type { RevocationList } from './revocation.js';
import type { Roles } from './roles.js';
import { RoleService } from './roles/service.js';
import { SessionService } from './sessions/service.js';
import type { AuthStore } from './store.js';
import type { AccessTokens } from './tokens.js';
import { UserAdminService } from './users/service.js';
import type { ClientMeta } from './views.js';

/** The building blocks the runtime makes once per app. */
export interface AuthServiceDeps {
  context: ModuleContext;
  store: AuthStore;
  tokens: AccessTokens;
  revocations: RevocationList;
  mailer: Mailer;
  lockout: Lockout;
  passwords: PasswordHasher;
  ipLimiter: Limiter;
  mfa: Mfa;
  roles: Roles;
}

/** What every feature's service is built from: the building blocks, and the few pieces all features share. */
export interface FeatureDeps extends Omit<AuthServiceDeps, 'ipLimiter'> {
  config: ModuleContext['config']['auth'];
  events: AuthEventLog;
  links: EmailedLinks;
  /** The per-address limit shared by every auth endpoint that takes credentials or tokens. */
  limitClient(meta: ClientMeta): Promise<void>;
}

/** The use cases of auth, one service per feature; each feature's routes call its own. */
export interface AuthServices {
  accounts: AccountService;
  login: LoginService;
  mfa: MfaService;
  sessions: SessionService;
  credentials: CredentialService;
  users: UserAdminService;
  roles: RoleService;
}

export function createServices(deps: AuthServiceDeps): AuthServices {
  const config = deps.context.config.auth;
  const { ipLimiter, ...blocks } = deps;
  const feature: FeatureDeps = {
    ...blocks,
    config,
    events: new AuthEventLog(deps.context),
    links: new EmailedLinks({
      store: deps.store,
      mailer: deps.mailer,
      publicUrl: deps.context.config.env.AUTH_PUBLIC_URL,
      ttlSeconds: config.resetTokenTtlSeconds,
    }),
    limitClient: (meta) => limitOrRefuse(ipLimiter, meta.ip),
  };
  const sessions = new SessionService(feature);
  return {
    sessions,
    accounts: new AccountService(feature, sessions),
    login: new LoginService(feature, sessions),
    mfa: new MfaService(feature, sessions),
    credentials: new CredentialService(feature, sessions),
    users: new UserAdminService(feature, sessions),
    roles: new RoleService(feature, sessions),
  };
}
