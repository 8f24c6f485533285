import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEncryptionKey } from '../../core/testing/test-config.js';
import { bearer, registerOwner, strongPassword, totpNow, uniqueEmail } from '../../auth/testing/auth-helpers.js';
import { OperatorTokens } from '../operators/tokens.js';
import { operatorTokens } from '../runtime.js';
import {
  createOperator as createOperatorIn,
  operatorSignIn,
  operatorToken as tokenOf,
  runAdminScript,
  startAdminTestApp,
  withMfa,
  type AdminTestApp,
  type TestOperator,
} from '../testing/admin-helpers.js';

// Given to the app and to the command alike: the command would otherwise read the project's .env.
const secrets = { APP_SECRET: randomBytes(32).toString('base64url'), ENCRYPTION_KEYS: testEncryptionKey(1) };

let t: AdminTestApp;
beforeAll(async () => {
  t = await startAdminTestApp({ env: secrets });
});
afterAll(async () => {
  await t.close();
});

type CreatedOperator = TestOperator;

const createOperatorCommand = (email: string, password: string) =>
  runAdminScript(t, 'create-operator.ts', [email], { ...secrets, ADMIN_OPERATOR_PASSWORD: password });

/** Runs `npm run admin:create-operator`'s script, as an operator of the platform would, and reads the secret it prints. */
async function createOperatorByCommand(): Promise<CreatedOperator> {
  const email = uniqueEmail('operator');
  const password = strongPassword();
  const { stdout } = await createOperatorCommand(email, password);
  const secret = /authenticator app: ([A-Z2-7]+)/.exec(stdout)?.[1];
  if (secret === undefined) throw new Error(`no TOTP secret in: ${stdout}`);
  return { email, password, secret };
}

const createOperator = () => createOperatorIn(t);
const signIn = (operator: Pick<CreatedOperator, 'email' | 'password'>, code: string) =>
  operatorSignIn(t, operator, code);
const operatorToken = (operator: CreatedOperator) => tokenOf(t, operator);

/** Each run starts tsx and migrates: seconds, more on a busy machine. */
const SCRIPT_TIMEOUT_MS = 60_000;

describe('npm run admin:create-operator', () => {
  it(
    'when given an address and a strong password, then it creates an operator and prints the TOTP secret once',
    async () => {
      const operator = await createOperatorByCommand();
      expect(operator.secret).toMatch(/^[A-Z2-7]{32}$/);
      await signIn(operator, await totpNow(operator.secret)).expect(200);
    },
    SCRIPT_TIMEOUT_MS,
  );

  it(
    'when the password is weak or the address is taken, then it exits 2 naming the field and creates nothing',
    async () => {
      const weak = await createOperatorCommand(uniqueEmail('operator'), 'password').catch(
        (error: unknown) => error as { code: number; stderr: string },
      );
      expect(weak).toMatchObject({ code: 2, stderr: expect.stringContaining('password:') as unknown });
      const existing = await createOperatorByCommand();
      const again = await createOperatorCommand(existing.email, strongPassword()).catch(
        (error: unknown) => error as { code: number; stderr: string },
      );
      expect(again).toMatchObject({ code: 2, stderr: expect.stringContaining('already an operator') as unknown });
    },
    SCRIPT_TIMEOUT_MS,
  );
});

describe('POST /operators/login', () => {
  it('when the password and code are right, then an operator token comes back, and the sign-in is audited', async () => {
    const operator = await createOperator();
    const response = await signIn(operator, await totpNow(operator.secret)).expect(200);
    expect(response.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const records = await t.dataSource.query<{ action: string; outcome: string }[]>(
      `SELECT "action", outcome FROM admin_audit_records WHERE chain = '_platform' AND "action" = 'admin.operator.sign_in'`,
    );
    expect(records).toContainEqual({ action: 'admin.operator.sign_in', outcome: 'success' });
  });

  it('when the same code is sent twice, then the second sign-in is refused (a replayed code)', async () => {
    const operator = await createOperator();
    const code = await totpNow(operator.secret);
    await signIn(operator, code).expect(200);
    await signIn(operator, code).expect(401);
  });

  it('when the password, the code or the address is wrong, then 401 with the same answer', async () => {
    const operator = await createOperator();
    const wrongPassword = await signIn({ ...operator, password: strongPassword() }, await totpNow(operator.secret));
    const wrongCode = await signIn(operator, await totpNow(operator.secret, 5));
    const unknown = await signIn({ ...operator, email: uniqueEmail('nobody') }, await totpNow(operator.secret));
    for (const response of [wrongPassword, wrongCode, unknown]) {
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ detail: 'The email, password or code is wrong, or the code was used.' });
    }
  });

  it('when a tenant owner signs in with their account, then it is refused: tenant accounts are not operators', async () => {
    const owner = await registerOwner(t);
    await request(t.app)
      .post('/operators/login')
      .send({ email: owner.email, password: owner.password, code: '123456' })
      .expect(401);
  });

  it('when an address is tried more than 10 times, then 429, even with the right code', async () => {
    const operator = await createOperator();
    for (let attempt = 0; attempt < 10; attempt += 1) await signIn(operator, '000000').expect(401);
    const response = await signIn(operator, await totpNow(operator.secret)).expect(429);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('operator tokens and tenant tokens do not cross', () => {
  it('when an operator lists the platform’s tenants page by page, then every tenant appears once', async () => {
    const token = await operatorToken(await createOperator());
    const tenants = [await t.newTenant(), await t.newTenant(), await t.newTenant()];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await request(t.app)
        .get('/admin/platform/tenants')
        .query({ limit: '2', ...(cursor === null ? {} : { cursor }) })
        .set(bearer(token))
        .expect(200);
      const page = response.body as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(expect.arrayContaining(tenants));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('when an operator token is sent to tenant routes, then they refuse it', async () => {
    const token = await operatorToken(await createOperator());
    const owner = await registerOwner(t);
    await request(t.app).get('/auth/me').set('x-tenant-id', owner.tenantId).set(bearer(token)).expect(401);
    await request(t.app).get('/admin/audit/records').set('x-tenant-id', owner.tenantId).set(bearer(token)).expect(401);
    await request(t.app).get('/auth/users').set('x-tenant-id', owner.tenantId).set(bearer(token)).expect(401);
  });

  it('when a tenant admin (MFA-verified) calls an operator route, then it is refused', async () => {
    const admin = await withMfa(t, await registerOwner(t));
    await request(t.app)
      .get('/admin/platform/tenants')
      .set('x-tenant-id', admin.tenantId)
      .set(bearer(admin.accessToken))
      .expect(401);
  });

  it('when a token is signed with the operators’ key for another audience, or with a forged key, then it is refused', async () => {
    const operator = await createOperator();
    await operatorToken(operator);
    const [row] = await t.dataSource.query<{ id: string }[]>(
      `SELECT id FROM admin_operators WHERE email = '${operator.email}'`,
    );
    const id = row?.id ?? '';
    const genuine = operatorTokens(t.config);
    const otherAudience = new OperatorTokens(
      t.config.env.APP_SECRET,
      t.config.auth.jwtIssuer,
      t.config.auth.jwtAudience,
    );
    const forgedKey = new OperatorTokens(
      randomBytes(32).toString('base64url'),
      t.config.auth.jwtIssuer,
      genuine.audience,
    );
    const list = (token: string) => request(t.app).get('/admin/platform/tenants').set(bearer(token));
    await list(await genuine.sign(id)).expect(200);
    await list(await otherAudience.sign(id)).expect(401);
    await list(await forgedKey.sign(id)).expect(401);
    // An operator that does not exist (removed from the table) holds nothing, whatever its token says.
    await list(await genuine.sign('00000000-0000-4000-8000-000000000000')).expect(401);
  });
});
