import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { loadSecurityKeys, type Audit, type AppModule, type Jobs, type ModuleRuntime } from '../../core/index.js';
import type { TestApp } from '../../core/testing/test-app.js';
import { moduleTestEnv } from '../../core/testing/test-config.js';
import {
  bearer,
  login,
  strongPassword,
  totpNow,
  uniqueEmail,
  type Account,
  startAuthTestApp,
} from '../../auth/testing/auth-helpers.js';
import { OperatorStore } from '../operators/store.js';
import { adminModule } from '../index.js';

export interface AdminTestApp extends TestApp {
  /** The app's `context.audit`, as every module sees it. */
  audit: Audit;
  /** The app's `context.jobs`. */
  jobs: Jobs;
  checkpointDir: string;
  /** What the admin module's `setup` returned in this app: every route it registers is in here. */
  adminRuntime: ModuleRuntime;
}

/** The real app with auth's test settings, checkpoints in a fresh temporary directory, and its audit at hand. */
export async function startAdminTestApp(options: { env?: Record<string, string> } = {}): Promise<AdminTestApp> {
  let audit: Audit | undefined;
  let jobs: Jobs | undefined;
  const probe: AppModule = {
    name: 'test_audit_probe',
    setup: (context) => {
      audit = context.audit;
      jobs = context.jobs;
      return {};
    },
  };
  let adminRuntime: ModuleRuntime | undefined;
  const admin: AppModule = {
    ...adminModule,
    setup: (context) => {
      adminRuntime = adminModule.setup?.(context) ?? {};
      return adminRuntime;
    },
  };
  const checkpointDir = mkdtempSync(path.join(tmpdir(), 'audit-checkpoints-'));
  const t = await startAuthTestApp({
    modules: [probe],
    replaceModules: [admin],
    env: { ADMIN_AUDIT_CHECKPOINT_DIR: checkpointDir, ...options.env },
  });
  if (audit === undefined || jobs === undefined || adminRuntime === undefined)
    throw new Error('the probe module was not set up');
  return Object.assign(t, { audit, jobs, checkpointDir, adminRuntime });
}

/** Enrols TOTP for `account`, then logs in through both factors: an access token whose session passed MFA. */
export async function withMfa(t: TestApp, account: Account): Promise<Account & { totpSecret: string }> {
  const setup = await request(t.app)
    .post('/auth/mfa/totp/setup')
    .set(bearer(account.accessToken))
    .send({ password: account.password })
    .expect(200);
  const { secret } = setup.body as { secret: string };
  await request(t.app)
    .post('/auth/mfa/totp/confirm')
    .set(bearer(account.accessToken))
    .send({ code: await totpNow(secret, -1) })
    .expect(200);
  const { mfaToken } = (await login(t, account).expect(200)).body as { mfaToken: string };
  const verified = await request(t.app)
    .post('/auth/mfa/verify')
    .send({ mfaToken, code: await totpNow(secret) })
    .expect(200);
  const body = verified.body as { accessToken: string; refreshToken: string };
  return { ...account, accessToken: body.accessToken, refreshToken: body.refreshToken, totpSecret: secret };
}

/**
 * Runs `sql` with the append-only triggers out of the way, as the tables' owner (or an attacker holding that
 * role) could: how the tests tamper with the chain that the app's own role cannot touch.
 */
export async function tamper(dataSource: DataSource, sql: string, parameters: unknown[] = []): Promise<void> {
  if (dataSource.options.type === 'postgres') {
    await dataSource.transaction(async (manager) => {
      await manager.query('ALTER TABLE admin_audit_records DISABLE TRIGGER admin_audit_no_change');
      await manager.query(sql, parameters);
      await manager.query('ALTER TABLE admin_audit_records ENABLE TRIGGER admin_audit_no_change');
    });
    return;
  }
  await dataSource.query('DROP TRIGGER admin_audit_no_update');
  await dataSource.query('DROP TRIGGER admin_audit_no_delete');
  try {
    await dataSource.query(sql, parameters);
  } finally {
    for (const operation of ['UPDATE', 'DELETE']) {
      await dataSource.query(
        `CREATE TRIGGER admin_audit_no_${operation.toLowerCase()} BEFORE ${operation} ON admin_audit_records BEGIN SELECT RAISE(ABORT, 'admin_audit_records is append-only: ${operation} refused'); END`,
      );
    }
  }
}

/** `$1, $2…` on PostgreSQL, `?` on SQLite. */
export const placeholder = (dataSource: DataSource, index: number): string =>
  dataSource.options.type === 'postgres' ? `$${String(index)}` : '?';

export interface TestOperator {
  email: string;
  password: string;
  /** The TOTP secret `admin:create-operator` prints once. */
  secret: string;
}

/** A platform operator, made as `npm run admin:create-operator` makes one (the same store), in-process. */
export async function createOperator(t: TestApp): Promise<TestOperator> {
  const password = strongPassword();
  const store = new OperatorStore(t.dataSource, loadSecurityKeys(t.config).encryption);
  const created = await store.create({ email: uniqueEmail('operator'), password, minLength: 12, issuer: 'test' });
  return { email: created.email, password, secret: created.totpSecret };
}

export function operatorSignIn(t: TestApp, operator: Pick<TestOperator, 'email' | 'password'>, code: string) {
  return request(t.app).post('/operators/login').send({ email: operator.email, password: operator.password, code });
}

/** Signs `operator` in with their current code: an operator token. */
export async function operatorToken(t: TestApp, operator: TestOperator): Promise<string> {
  const response = await operatorSignIn(t, operator, await totpNow(operator.secret)).expect(200);
  return (response.body as { accessToken: string }).accessToken;
}

/**
 * Runs one of admin's scripts (`src/modules/admin/<script>`) as `npm run` would, on `t`'s database, with `env`
 * (the same secrets the app was given: the script would otherwise read the project's .env).
 */
export function runAdminScript(t: AdminTestApp, script: string, args: string[], env: Record<string, string>) {
  return promisify(execFile)(
    process.execPath,
    ['--import=tsx', path.join('src', 'modules', 'admin', script), ...args],
    {
      env: {
        // Other modules' required variables (a Stripe key, say) as a developer's .env holds them.
        ...moduleTestEnv(),
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        SQLITE_PATH: t.config.env.SQLITE_PATH,
        ADMIN_AUDIT_CHECKPOINT_DIR: t.checkpointDir,
        ...env,
      },
    },
  );
}
