import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEncryptionKey } from '../../core/testing/test-config.js';
import { checkpointSetup } from '../runtime.js';
import { placeholder, runAdminScript, startAdminTestApp, tamper, type AdminTestApp } from '../testing/admin-helpers.js';

// Given to the app and to the script alike: the script would otherwise read the project's .env.
const secrets = {
  APP_SECRET: randomBytes(32).toString('base64url'),
  ENCRYPTION_KEYS: testEncryptionKey(1),
  ADMIN_AUDIT_SIGNING_KEY: randomBytes(32).toString('base64url'),
};

let t: AdminTestApp;
beforeAll(async () => {
  t = await startAdminTestApp({ env: secrets });
});
afterAll(async () => {
  await t.close();
});

async function chainWith(count: number): Promise<string> {
  const tenantId = await t.newTenant();
  for (let index = 0; index < count; index += 1) {
    await t.audit.record({ action: 'widget.renamed', outcome: 'success', tenantId, actor: null });
  }
  return tenantId;
}

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('gave up waiting');
}

describe('the checkpoint job', () => {
  it('when it runs, then every chain that grew gets a signed checkpoint of its head', async () => {
    const tenantId = await chainWith(3);
    await t.jobs.enqueue('admin.audit-checkpoint', {}, { tenantId: null });
    const { sink } = checkpointSetup(t.config);
    const checkpoint = await waitFor(async () => (await sink.latest()).get(tenantId));
    expect(checkpoint).toMatchObject({ chain: tenantId, sequence: 3 });
  });
});

describe('npm run audit:verify', () => {
  const verify = (chain: string) => runAdminScript(t, 'verify-audit.ts', [chain], secrets);

  it('when the chain holds, then it says so and exits 0; when a record is edited, it names it and exits 1', async () => {
    const tenantId = await chainWith(3);
    await t.jobs.enqueue('admin.audit-checkpoint', {}, { tenantId: null });
    const { sink } = checkpointSetup(t.config);
    await waitFor(async () => (await sink.latest()).get(tenantId));
    const good = await verify(tenantId);
    expect(good.stdout).toContain(`ok   ${tenantId}: 3 records, checkpoint at 3`);
    const p = (index: number) => placeholder(t.dataSource, index);
    await tamper(
      t.dataSource,
      `UPDATE admin_audit_records SET "action" = 'widget.hidden' WHERE chain = ${p(1)} AND sequence = 2`,
      [tenantId],
    );
    const bad = await verify(tenantId).then(
      () => undefined,
      (error: unknown) => error as { code: number; stdout: string },
    );
    expect(bad?.code).toBe(1);
    expect(bad?.stdout).toMatch(new RegExp(`BAD  ${tenantId}: record 2 .*does not match its hash`));
  });
});
