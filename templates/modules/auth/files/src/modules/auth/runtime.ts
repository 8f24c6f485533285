import type passport from 'passport';
import { deriveKey, type ModuleContext } from '../core/index.js';
import { Mfa } from './mfa.js';
import { Lockout } from './lockout.js';
import { PasswordHasher, type Argon2Options } from './passwords.js';
import { createSms } from './sms.js';
import { OAuthClients, type ProviderSettings } from './oauth.js';
import type { OAuthProvider } from './entities/identity.entity.js';
import type { FactorKind } from './entities/mfa.entity.js';
import { memoryRevocationList, redisRevocationList, type RevocationList } from './revocation.js';
import { AccessTokenStrategy, createPassport } from './passport.js';
import { RequestClaims } from './request-claims.js';
import { Roles } from './roles.js';
import { createServices, type AuthServices } from './services.js';
import { AuthStore } from './store.js';
import { AccessTokens } from './tokens.js';

/** Everything one app's auth module holds; built once per app from its context, in `setup`. */
export interface AuthRuntime {
  context: ModuleContext;
  tokens: AccessTokens;
  revocations: RevocationList;
  /** The use cases, one service per feature. */
  services: AuthServices;
  store: AuthStore;
  /** The tenant's roles: built-in and its own. */
  roles: Roles;
  oauth: OAuthClients;
  /** This app's passport: `local` (email + password) and `jwt` (access tokens); strategies are added in createPassport. */
  passport: passport.Authenticator;
  /** Its `jwt` strategy, which the authenticate hook runs on every request. */
  bearer: AccessTokenStrategy;
  /** The claims of each request this app authenticated, for its authorize hook and its routes. */
  claims: RequestClaims;
  refreshCookie: string;
  /** Holds a social login in flight (encrypted) between start and callback. */
  oauthCookie: string;
}

const FACTOR_KINDS: readonly FactorKind[] = ['totp', 'email', 'sms'];
const OAUTH_PROVIDERS: readonly OAuthProvider[] = ['google', 'github', 'oidc'];
const PROVIDER_ENV: Record<OAuthProvider, string[]> = {
  google: ['AUTH_GOOGLE_CLIENT_ID', 'AUTH_GOOGLE_CLIENT_SECRET'],
  github: ['AUTH_GITHUB_CLIENT_ID', 'AUTH_GITHUB_CLIENT_SECRET'],
  oidc: ['AUTH_OIDC_ISSUER', 'AUTH_OIDC_CLIENT_ID', 'AUTH_OIDC_CLIENT_SECRET'],
};

function providerSettings(config: ModuleContext['config'], provider: OAuthProvider): ProviderSettings | undefined {
  const env = config.env;
  const settings = {
    google: {
      clientId: env.AUTH_GOOGLE_CLIENT_ID,
      clientSecret: env.AUTH_GOOGLE_CLIENT_SECRET,
      server: env.AUTH_GOOGLE_ISSUER,
    },
    github: {
      clientId: env.AUTH_GITHUB_CLIENT_ID,
      clientSecret: env.AUTH_GITHUB_CLIENT_SECRET,
      server: env.AUTH_GITHUB_BASE,
      apiBase: env.AUTH_GITHUB_API_BASE,
    },
    oidc: {
      clientId: env.AUTH_OIDC_CLIENT_ID,
      clientSecret: env.AUTH_OIDC_CLIENT_SECRET,
      server: env.AUTH_OIDC_ISSUER,
    },
  }[provider];
  const { clientId, clientSecret, server } = settings;
  if (
    clientId === undefined ||
    clientId === '' ||
    clientSecret === undefined ||
    clientSecret === '' ||
    server === undefined
  )
    return undefined;
  return { ...settings, clientId, clientSecret, server };
}

/**
 * Environment variables override the manifest without its schema's bounds; the bounds that keep auth safe are
 * checked here, and a violation stops the boot.
 */
function assertSafeConfig(config: ModuleContext['config']): void {
  const auth = config.auth;
  const problems: string[] = [];
  if (auth.passwordMinLength < 8 || auth.passwordMinLength > 64)
    problems.push('AUTH_PASSWORD_MIN_LENGTH must be 8..64');
  if (auth.accessTokenTtlSeconds < 60 || auth.accessTokenTtlSeconds > 3600)
    problems.push('AUTH_ACCESS_TOKEN_TTL_SECONDS must be 60..3600');
  if (auth.lockoutThreshold < 1 || auth.lockoutWindowSeconds < 1)
    problems.push('AUTH_LOCKOUT_THRESHOLD and AUTH_LOCKOUT_WINDOW_SECONDS must be positive');
  if (auth.sessionTimeout < 60 || auth.sessionAbsoluteSeconds < auth.sessionTimeout)
    problems.push('AUTH_SESSION_TIMEOUT must be at least 60 and at most AUTH_SESSION_ABSOLUTE_SECONDS');
  const secret = config.env.AUTH_JWT_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < 32)
    problems.push('AUTH_JWT_SECRET must be at least 32 characters');
  const unknownMethods = auth.mfaMethods.filter((method) => !FACTOR_KINDS.includes(method as FactorKind));
  if (unknownMethods.length > 0)
    problems.push(`AUTH_MFA_METHODS may list ${FACTOR_KINDS.join(', ')}, not ${unknownMethods.join(', ')}`);
  if (auth.mfaCodeTtlSeconds < 60 || auth.mfaCodeTtlSeconds > 600)
    problems.push('AUTH_MFA_CODE_TTL_SECONDS must be 60..600');
  const production = config.env.NODE_ENV === 'production';
  // Codes in a log are codes anyone with log access can use; a cleartext provider URL leaks them on the wire.
  if (production && auth.mfaMethods.includes('sms') && config.env.AUTH_SMS_TRANSPORT === 'log')
    problems.push('SMS codes need AUTH_SMS_TRANSPORT=http in production');
  if (production && config.env.AUTH_SMS_TRANSPORT === 'http' && !config.env.AUTH_SMS_API_BASE.startsWith('https://'))
    problems.push('AUTH_SMS_API_BASE must be https:// in production');
  for (const provider of auth.oauthProviders) {
    if (!(OAUTH_PROVIDERS as readonly string[]).includes(provider))
      problems.push(`AUTH_OAUTH_PROVIDERS may list ${OAUTH_PROVIDERS.join(', ')}, not ${provider}`);
    else if (providerSettings(config, provider as OAuthProvider) === undefined)
      problems.push(`oauth provider ${provider} needs ${PROVIDER_ENV[provider as OAuthProvider].join(', ')}`);
  }
  if (problems.length > 0) throw new Error(`auth configuration is unsafe: ${problems.join('; ')}`);
}

/** How an app builds its auth module; every field defaults to production behaviour. */
export interface AuthModuleOptions {
  /** Argon2 parameters for password hashes; ARGON2_OPTIONS unless tests trade cost for speed. */
  passwordHashing?: Readonly<Argon2Options>;
}

export function createRuntime(context: ModuleContext, options: AuthModuleOptions = {}): AuthRuntime {
  const { config } = context;
  assertSafeConfig(config);
  const auth = config.auth;
  const secrets = [config.env.AUTH_JWT_SECRET ?? config.env.APP_SECRET, config.env.AUTH_JWT_PREVIOUS_SECRET].filter(
    (s): s is string => s !== undefined && s !== '',
  );
  const tokens = new AccessTokens(secrets, {
    issuer: auth.jwtIssuer,
    audience: auth.jwtAudience,
    ttlSeconds: auth.accessTokenTtlSeconds,
  });
  const revocations =
    config.env.REDIS_URL === undefined ? memoryRevocationList() : redisRevocationList(config.env.REDIS_URL);
  const lockout = new Lockout(context.rateLimiters, {
    threshold: auth.lockoutThreshold,
    windowSeconds: auth.lockoutWindowSeconds,
  });
  // Every auth limit fails closed: while Redis is down, auth endpoints answer 503 rather than count per replica.
  const ipLimiter = context.rateLimiters.create({
    name: 'auth-client',
    points: auth.loginIpLimit,
    windowSeconds: auth.lockoutWindowSeconds,
    failClosed: true,
  });
  const store = new AuthStore(context.dataSource, config.core.rowLevelSecurity);
  const production = config.env.NODE_ENV === 'production';
  const { mailer } = context;
  const sms = createSms({
    transport: config.env.AUTH_SMS_TRANSPORT,
    apiBase: config.env.AUTH_SMS_API_BASE,
    accountSid: config.env.AUTH_SMS_ACCOUNT_SID,
    authToken: config.env.AUTH_SMS_AUTH_TOKEN,
    from: config.env.AUTH_SMS_FROM,
    logger: context.logger,
  });
  const mfa = new Mfa({
    dataSource: context.dataSource,
    rowLevelSecurity: config.core.rowLevelSecurity,
    encryption: context.encryption,
    codeKey: deriveKey(config.env.APP_SECRET, 'auth-recovery-codes'),
    attempts: context.rateLimiters.create({
      name: 'auth-mfa-challenge',
      points: 5,
      windowSeconds: 600,
      failClosed: true,
    }),
    sendsPerBinding: context.rateLimiters.create({
      name: 'auth-mfa-sends',
      points: 3,
      windowSeconds: 600,
      failClosed: true,
    }),
    sendsPerUser: context.rateLimiters.create({
      name: 'auth-mfa-sends-user',
      points: 10,
      windowSeconds: 3600,
      failClosed: true,
    }),
    codeTtlSeconds: auth.mfaCodeTtlSeconds,
    methods: auth.mfaMethods.filter((method): method is FactorKind => FACTOR_KINDS.includes(method as FactorKind)),
    mailer,
    sms,
    issuer: auth.jwtIssuer,
  });
  const roles = new Roles(context.dataSource, config.core.rowLevelSecurity, context.permissions);
  const passwords = new PasswordHasher(options.passwordHashing);
  const blocks = { context, store, tokens, revocations, mailer, lockout, passwords, ipLimiter, mfa, roles };
  const services = createServices(blocks);
  const bearer = new AccessTokenStrategy(async (token) => {
    const claims = await tokens.verify(token);
    return claims === undefined || (await revocations.isRevoked(claims)) ? undefined : claims;
  });
  const offered = auth.oauthProviders.filter((provider): provider is OAuthProvider =>
    (OAUTH_PROVIDERS as readonly string[]).includes(provider),
  );
  const oauth = new OAuthClients(
    Object.fromEntries(offered.map((provider) => [provider, providerSettings(config, provider)])),
    config.env.AUTH_OAUTH_CALLBACK_BASE,
    production,
  );
  return {
    context,
    tokens,
    revocations,
    services,
    store,
    roles,
    oauth,
    bearer,
    claims: new RequestClaims(),
    passport: createPassport({ login: services.login, bearer }),
    refreshCookie: production ? '__Host-refresh' : 'refresh',
    oauthCookie: production ? '__Host-oauth' : 'oauth',
  };
}
