import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Audit, AppModule, Jobs } from '../../core/index.js';
import type { TestApp } from '../../core/testing/test-app.js';
import { bearer, login, totpNow, type Account, startAuthTestApp } from '../../auth/testing/auth-helpers.js';

export interface AdminTestApp extends TestApp {
  /** The app's `context.audit`, as every module sees it. */
  audit: Audit;
  /** The app's `context.jobs`. */
  jobs: Jobs;
  checkpointDir: string;
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
  const checkpointDir = mkdtempSync(path.join(tmpdir(), 'audit-checkpoints-'));
  const t = await startAuthTestApp({
    modules: [probe],
    env: { ADMIN_AUDIT_CHECKPOINT_DIR: checkpointDir, ...options.env },
  });
  if (audit === undefined || jobs === undefined) throw new Error('the probe module was not set up');
  return Object.assign(t, { audit, jobs, checkpointDir });
}

/** Enrols TOTP for `account`, then logs in through both factors: an access token whose session passed MFA. */
export async function withMfa(t: TestApp, account: Account): Promise<Account> {
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
  return { ...account, accessToken: body.accessToken, refreshToken: body.refreshToken };
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
