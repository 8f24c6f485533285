import { z } from 'zod';
import { defineModule } from '../../../src/generator/define-module.js';

export default defineModule({
  name: 'auth',
  summary: 'Accounts, JWT access and rotating refresh tokens, sessions, MFA, RBAC and brute-force defence',
  tier: 'core',
  status: 'implemented',
  dependsOn: ['core'],
  config: z
    .object({
      registration: z
        .enum(['open', 'invite', 'closed'])
        .default('open')
        .describe('open: anyone may register a new tenant (joining one always needs an invitation); invite: invitations only; closed: no self-service sign-up'),
      token_transport: z
        .enum(['bearer', 'cookie'])
        .default('bearer')
        .describe('bearer: refresh token in the JSON body (API clients); cookie: refresh token in an httpOnly SameSite=Strict __Host- cookie with CSRF (browsers)'),
      access_token_ttl_seconds: z.number().int().min(60).max(3600).default(900).describe('Lifetime of a JWT access token'),
      session_timeout: z.number().int().min(300).max(2_592_000).default(604_800).describe('Idle lifetime of a session, in seconds: a refresh token unused this long is dead'),
      session_absolute_seconds: z.number().int().min(3600).max(31_536_000).default(2_592_000).describe('Absolute lifetime of a session, however often it is refreshed'),
      jwt_issuer: z.string().min(1).max(200).default('platform-forge').describe('`iss` claim written into and required of every access token'),
      jwt_audience: z.string().min(1).max(200).default('platform-forge-api').describe('`aud` claim written into and required of every access token'),
      password_min_length: z.number().int().min(8).max(64).default(12).describe('Shortest password accepted (NIST 800-63B: at least 8; longest is always 128)'),
      lockout_threshold: z.number().int().min(3).max(100).default(5).describe('Failed logins per account within the lockout window before it is locked'),
      lockout_window_seconds: z.number().int().min(60).max(86_400).default(900).describe('Window in which failed logins are counted, and the first lockout length (doubling per repeat, at most 24 h)'),
      login_ip_limit: z.number().int().min(5).max(100_000).default(50).describe('Auth requests one client address may make per lockout window'),
      mfa_required: z.boolean().default(false).describe('Every account must enrol a second factor; until a session passes it, only enrolment, profile and logout work'),
      mfa_methods: z
        .array(z.enum(['totp', 'email', 'sms']))
        .min(1)
        .default(['totp', 'email'])
        .describe('Second factors users may enrol: totp (authenticator apps), email codes, sms codes (needs an SMS provider; the weakest, NIST 800-63B "restricted")'),
      mfa_code_ttl_seconds: z.number().int().min(60).max(600).default(300).describe('Lifetime of an emailed or texted MFA code (at most 10 minutes)'),
      require_verified_email: z.boolean().default(false).describe('Refuse login until the email address is verified'),
      oauth_providers: z
        .array(z.enum(['google', 'github', 'oidc']))
        .default([])
        .describe('Social and single sign-on login (authorization code + PKCE): google, github, and one generic OpenID Connect provider; accounts link by verified email only'),
      reset_token_ttl_seconds: z.number().int().min(300).max(86_400).default(3600).describe('Lifetime of password-reset, verification and invitation links'),
    })
    .strict(),
  dependencies: ['argon2', 'jose', 'ioredis', 'rate-limiter-flexible', 'qrcode', 'openid-client', 'passport', 'passport-local', 'passport-strategy'],
  devDependencies: ['@types/qrcode', '@types/passport', '@types/passport-local', '@types/passport-strategy'],
  env: [
    { name: 'AUTH_JWT_SECRET', kind: 'string', secret: true, generate: 'token', description: 'At least 32 random characters; signs access tokens (HS256). Unset: derived from APP_SECRET' },
    { name: 'AUTH_JWT_PREVIOUS_SECRET', kind: 'string', secret: true, description: 'The secret before the last rotation; tokens it signed are accepted until they expire' },
    { name: 'AUTH_SMS_TRANSPORT', kind: 'enum', values: ['log', 'http'], default: 'log', description: 'How MFA text messages leave: log (the app log, development only) or http (a Twilio-compatible Messages API)' },
    { name: 'AUTH_SMS_API_BASE', kind: 'url', default: 'https://api.twilio.com', description: 'Base URL of the Twilio-compatible Messages API; https in production' },
    { name: 'AUTH_SMS_ACCOUNT_SID', kind: 'string', description: 'Account id of the SMS provider (basic-auth user)' },
    { name: 'AUTH_SMS_AUTH_TOKEN', kind: 'string', secret: true, description: 'Auth token of the SMS provider (basic-auth password)' },
    { name: 'AUTH_SMS_FROM', kind: 'string', description: 'Sender number or id of MFA text messages' },
    { name: 'AUTH_OAUTH_CALLBACK_BASE', kind: 'url', default: 'http://localhost:3000', description: 'Public base URL of this API: providers send users back to {base}/auth/oauth/{provider}/callback' },
    { name: 'AUTH_GOOGLE_CLIENT_ID', kind: 'string', description: 'OAuth client id at Google (oauth_providers: google)' },
    { name: 'AUTH_GOOGLE_CLIENT_SECRET', kind: 'string', secret: true, description: 'OAuth client secret at Google' },
    { name: 'AUTH_GOOGLE_ISSUER', kind: 'url', default: 'https://accounts.google.com', description: "Google's OpenID Connect issuer (a local fake in tests; https in production)" },
    { name: 'AUTH_GITHUB_CLIENT_ID', kind: 'string', description: 'OAuth app client id at GitHub (oauth_providers: github)' },
    { name: 'AUTH_GITHUB_CLIENT_SECRET', kind: 'string', secret: true, description: 'OAuth app client secret at GitHub' },
    { name: 'AUTH_GITHUB_BASE', kind: 'url', default: 'https://github.com', description: "GitHub's web base URL, for authorize and token (GitHub Enterprise: your server)" },
    { name: 'AUTH_GITHUB_API_BASE', kind: 'url', default: 'https://api.github.com', description: "GitHub's REST API base URL, for the user's id and verified emails" },
    { name: 'AUTH_OIDC_ISSUER', kind: 'url', description: 'Issuer URL of the generic OpenID Connect provider (oauth_providers: oidc), e.g. https://login.example.com/realms/acme' },
    { name: 'AUTH_OIDC_CLIENT_ID', kind: 'string', description: 'Client id at the OpenID Connect provider' },
    { name: 'AUTH_OIDC_CLIENT_SECRET', kind: 'string', secret: true, description: 'Client secret at the OpenID Connect provider' },
    { name: 'AUTH_PUBLIC_URL', kind: 'url', default: 'http://localhost:3000', description: 'Base URL of the front end: emailed links, and the page that finishes a social login ({base}/oauth/complete#code=...)' },
  ],
  // Redis holds the revocation list and the lockout and rate-limit counters every replica must share.
  composeUses: ['redis'],
  scripts: { 'bench:auth': 'tsx bench/auth.ts', 'auth:create-owner': 'tsx src/modules/auth/create-owner.ts' },
  tables: ['auth_users', 'auth_sessions', 'auth_refresh_tokens', 'auth_one_time_tokens', 'auth_mfa_factors', 'auth_recovery_codes', 'auth_mfa_codes', 'auth_identities', 'auth_roles'],
});
