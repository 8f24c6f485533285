import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { AppConfig } from '../../../config.js';
import type { AppModule } from '../../core/index.js';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';
import { createAuthModule } from '../index.js';
import { ARGON2_OPTIONS } from '../passwords.js';
import { stepAt, totpCode } from '../totp.js';

/** A strong password nobody else uses. */
export function strongPassword(): string {
  return `correct horse ${randomBytes(6).toString('hex')}`;
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}@example.test`;
}

export interface Account {
  tenantId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

type AuthSettings = AppConfig['auth'];
type CoreSettings = AppConfig['core'];

/**
 * The settings the tests are written against, whatever the manifest chose (a manifest may even rename the
 * variables), with auth limits high enough that tests of other things never trip them.
 */
const TEST_AUTH: Partial<AuthSettings> = {
  registration: 'open',
  tokenTransport: 'bearer',
  accessTokenTtlSeconds: 900,
  sessionTimeout: 604_800,
  sessionAbsoluteSeconds: 2_592_000,
  passwordMinLength: 12,
  requireVerifiedEmail: false,
  mfaRequired: false,
  mfaMethods: ['totp', 'email', 'sms'],
  mfaCodeTtlSeconds: 300,
  oauthProviders: [],
  lockoutThreshold: 5,
  lockoutWindowSeconds: 900,
  loginIpLimit: 100_000,
};

/**
 * Argon2 at its lowest cost: production's parameters spend ~25 ms of CPU per hash, and most tests register and log
 * in again and again. Tests of hashing itself pass `productionPasswordHashing`.
 */
const TEST_PASSWORD_HASHING = { ...ARGON2_OPTIONS, memoryCost: 1024, timeCost: 1 };
const authWithTestHashing = createAuthModule({ passwordHashing: TEST_PASSWORD_HASHING });

export interface AuthTestOptions {
  auth?: Partial<AuthSettings>;
  core?: Partial<CoreSettings>;
  modules?: readonly AppModule[];
  /** Stand in for installed modules of the same names (auth itself is always the test-hashing one). */
  replaceModules?: readonly AppModule[];
  /** Environment overrides, e.g. REDIS_URL. */
  env?: Record<string, string | undefined>;
  /** PostgreSQL only: the app connects as a non-owner role behind row-level security (core's startTestApp). */
  rowLevelSecurity?: boolean;
  /** The installed auth module, hashing with production's Argon2 parameters, instead of the cheap test ones. */
  productionPasswordHashing?: boolean;
}

/** The real app in-process on a migrated database (core's startTestApp), with auth settings pinned. */
export function startAuthTestApp(options: AuthTestOptions = {}): Promise<TestApp> {
  return startTestApp({
    replaceModules: [
      ...(options.productionPasswordHashing === true ? [] : [authWithTestHashing]),
      ...(options.replaceModules ?? []),
    ],
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.modules === undefined ? {} : { modules: options.modules }),
    ...(options.rowLevelSecurity === undefined ? {} : { rowLevelSecurity: options.rowLevelSecurity }),
    configure: (base: AppConfig): AppConfig => ({
      ...base,
      core: { ...base.core, tenantResolution: 'header', tenantHeader: 'x-tenant-id', ...options.core },
      auth: { ...base.auth, ...TEST_AUTH, ...options.auth },
    }),
  });
}

/** Registers a new organisation and its owner through the API. */
export async function registerOwner(
  t: TestApp,
  overrides: { email?: string; password?: string } = {},
): Promise<Account> {
  const email = overrides.email ?? uniqueEmail('owner');
  const password = overrides.password ?? strongPassword();
  const response = await request(t.app)
    .post('/auth/register')
    .send({ email, password, tenantName: 'Acme Inc' })
    .expect(201);
  const body = response.body as { accessToken: string; refreshToken: string; tenantId: string };
  return { tenantId: body.tenantId, email, password, accessToken: body.accessToken, refreshToken: body.refreshToken };
}

/** Invites a new address with `role` (built-in or the tenant's own) as `inviter`, then registers through the emailed invitation. */
export async function addMember(t: TestApp, inviter: Account, role = 'member'): Promise<Account> {
  const email = uniqueEmail(role);
  const password = strongPassword();
  await request(t.app)
    .post('/auth/invitations')
    .set('authorization', `Bearer ${inviter.accessToken}`)
    .send({ email, role })
    .expect(201);
  const token = lastMailTo(t, email)?.token ?? '';
  const response = await request(t.app)
    .post('/auth/register')
    .send({ email, password, inviteToken: token })
    .expect(201);
  const body = response.body as { accessToken: string; refreshToken: string; tenantId: string };
  return { tenantId: body.tenantId, email, password, accessToken: body.accessToken, refreshToken: body.refreshToken };
}

export function login(t: TestApp, account: Pick<Account, 'email' | 'password' | 'tenantId'>): request.Test {
  return request(t.app)
    .post('/auth/login')
    .send({ email: account.email, password: account.password, tenant: account.tenantId });
}

/** The last email `t` sent to `email` (whose subject matches `subject`). */
export function lastMailTo(t: TestApp, email: string, subject?: RegExp) {
  return t.sentMail
    .filter((message) => message.to === email && (subject === undefined || subject.test(message.subject)))
    .at(-1);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The TOTP code `offsetSteps` steps from now, as an authenticator app shows it. Taken early in a 30 s step: a code
 * read in its last seconds could reach the server in the next step, where it is a step further off.
 */
export async function totpNow(secret: string, offsetSteps = 0): Promise<string> {
  const intoStep = Date.now() % 30_000;
  if (intoStep > 27_000) await new Promise((resolve) => setTimeout(resolve, 30_050 - intoStep));
  return totpCode(secret, stepAt(Date.now()) + offsetSteps);
}
