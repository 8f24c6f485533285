import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineRoute, type AppModule } from '../../core/index.js';
import { startTestApp, type TestApp } from '../../core/testing/test-app.js';
import { widgetsModule } from '../../core/testing/widgets/widgets.module.js';
import { modules as installedModules } from '../../../modules.js';
import { testConfig } from '../../core/testing/test-config.js';
import { loggingExtension } from '../logging.js';
import { captureLogs, type CapturedLogs } from '../testing/observe.js';

/** Recognises `X-Test-User: <subject>` as a principal, as an auth module's authenticate hook would. */
const testUserModule: AppModule = {
  name: 'test_user',
  sensitiveFields: ['apiSecret'],
  setup: () => ({
    routes: [
      defineRoute({
        method: 'get',
        path: '/fail',
        public: true,
        summary: 'Always fails',
        responses: { 200: { description: 'Never' } },
        handler: () => {
          throw new Error('boom');
        },
      }),
    ],
    hooks: {
      authenticate: (req) => {
        const subject = req.get('x-test-user');
        return Promise.resolve(subject === undefined ? undefined : { subject, via: 'bearer' as const });
      },
    },
  }),
};

const modules = [...installedModules, widgetsModule, testUserModule];
let logs: CapturedLogs;
let t: TestApp;
beforeAll(async () => {
  logs = captureLogs(modules);
  t = await startTestApp({ modules: [widgetsModule, testUserModule], logger: logs.logger });
});
afterAll(async () => {
  await t.close();
});

describe.each(['compact', 'pino-http'])('access log (%s)', (engine) => {
  let logs: CapturedLogs;
  let t: TestApp;
  let tenant: string;
  beforeAll(async () => {
    logs = captureLogs(modules);
    t = await startTestApp({
      modules: [widgetsModule, testUserModule],
      logger: logs.logger,
      env: { OBSERVABILITY_ACCESS_LOG: engine },
    });
    tenant = await t.newTenant();
  });
  afterAll(async () => {
    await t.close();
  });
  const accessLine = (requestId: string) =>
    logs.lines().find((line) => line.msg === 'request' && line.requestId === requestId);

  it('when a tenant user calls a route, then one JSON line carries request, tenant and user ids, method, path, status, duration', async () => {
    const response = await request(t.app)
      .post('/widgets?draft=1')
      .set('x-tenant-id', tenant)
      .set('x-test-user', 'user-42')
      .send({ name: 'logged' })
      .expect(201);
    const requestId = String(response.headers['x-request-id']);
    const line = accessLine(requestId);
    expect(line).toMatchObject({
      level: 30,
      requestId,
      tenantId: tenant,
      userId: 'user-42',
      req: { method: 'POST', path: '/widgets' },
      res: { status: 201 },
    });
    expect(typeof line?.ms).toBe('number');
    expect(logs.lines().filter((entry) => entry.requestId === requestId && entry.msg === 'request')).toHaveLength(1);
  });

  it('when a request fails with 4xx, then it is logged at warn without a user when nobody is authenticated', async () => {
    const response = await request(t.app).get('/no-such-route').expect(404);
    const line = accessLine(String(response.headers['x-request-id']));
    expect(line).toMatchObject({ level: 40, res: { status: 404 } });
    expect(line).not.toHaveProperty('userId');
  });

  it('when a handler fails with 500, then the line is at error level', async () => {
    const response = await request(t.app).get('/fail').expect(500);
    expect(accessLine(String(response.headers['x-request-id']))).toMatchObject({ level: 50, res: { status: 500 } });
  });
});

describe('logging inside a request', () => {
  it('when a handler logs during a request, then its line carries the same ids', async () => {
    const probe: AppModule = {
      name: 'test_probe',
      setup: (context) => ({
        routes: [
          {
            method: 'get',
            path: '/probe',
            public: true,
            summary: 'Logs one line',
            responses: { 200: { description: 'ok' } },
            handler: () => {
              context.logger.info({ step: 'inside' }, 'handler says hi');
              return { ok: true };
            },
          },
        ],
      }),
    };
    const probeLogs = captureLogs([...modules, probe]);
    const app = await startTestApp({ modules: [widgetsModule, testUserModule, probe], logger: probeLogs.logger });
    try {
      const response = await request(app.app)
        .get('/probe')
        .set('x-tenant-id', await app.newTenant())
        .set('x-test-user', 'user-7')
        .expect(200);
      const line = probeLogs.lines().find((entry) => entry.msg === 'handler says hi');
      expect(line).toMatchObject({
        requestId: String(response.headers['x-request-id']),
        userId: 'user-7',
        step: 'inside',
      });
      expect(line?.tenantId).toMatch(/^t-/);
    } finally {
      await app.close();
    }
  });
});

describe('redaction', () => {
  const secrets = {
    bearer: 'bearer-secret-0001',
    cookie: 'cookie-secret-0002',
    query: 'query-secret-0003',
    password: 'password-secret-0004',
    token: 'token-secret-0005',
    sensitive: 'sensitive-secret-0006',
    nested: 'nested-secret-0007',
  };

  it('when a request carries an Authorization header, a cookie and a token in its query, then no line holds them', async () => {
    await request(t.app)
      .get(`/health?token=${secrets.query}`)
      .set('Authorization', `Bearer ${secrets.bearer}`)
      .set('Cookie', `sid=${secrets.cookie}`)
      .expect(200);
    expect(logs.text()).toContain('"path":"/health"');
    for (const secret of [secrets.bearer, secrets.cookie, secrets.query]) expect(logs.text()).not.toContain(secret);
  });

  it('when code logs headers, passwords, tokens or a field a module marks sensitive, then each is redacted', () => {
    logs.logger.info(
      {
        req: {
          headers: { authorization: `Bearer ${secrets.bearer}`, cookie: `sid=${secrets.cookie}`, host: 'example.test' },
          query: { token: secrets.query },
        },
        res: { headers: { 'set-cookie': [`sid=${secrets.cookie}`] } },
        password: secrets.password,
        user: { name: 'ann', password: secrets.password, token: secrets.token, apiSecret: secrets.sensitive },
        account: { owner: { apiSecret: secrets.nested } },
      },
      'redaction probe',
    );
    const line = logs.lines().find((entry) => entry.msg === 'redaction probe');
    expect(line).toMatchObject({
      req: {
        headers: { authorization: '[redacted]', cookie: '[redacted]', host: 'example.test' },
        query: { token: '[redacted]' },
      },
      res: { headers: { 'set-cookie': '[redacted]' } },
      password: '[redacted]',
      user: { name: 'ann', password: '[redacted]', token: '[redacted]', apiSecret: '[redacted]' },
      account: { owner: { apiSecret: '[redacted]' } },
    });
    for (const secret of Object.values(secrets)) expect(JSON.stringify(line)).not.toContain(secret);
  });

  it('when a child logger is bound to a password, a token or a sensitive field, then its lines hold none of them', () => {
    const child = logs.logger.child({
      password: secrets.password,
      session: { token: secrets.token, apiSecret: secrets.sensitive },
    });
    child.info({ step: 1 }, 'child probe');
    const line = logs.lines().find((entry) => entry.msg === 'child probe');
    expect(line).toMatchObject({
      step: 1,
      password: '[redacted]',
      session: { token: '[redacted]', apiSecret: '[redacted]' },
    });
    for (const secret of Object.values(secrets)) expect(JSON.stringify(line)).not.toContain(secret);
  });

  it("when a failed query's error is logged, then its bound parameters and secret properties are censored, its type kept", async () => {
    const missingTable = 'no_such_table';
    const printed = [vi.spyOn(console, 'log'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'error')];
    const failed = await t.dataSource
      .createQueryBuilder()
      .select('1')
      .from(missingTable, 'n')
      .where('n.secret = :secret', { secret: secrets.password })
      .getRawMany()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const calls = JSON.stringify(printed.map((spy) => spy.mock.calls));
    for (const spy of printed) spy.mockRestore();
    // Nothing printed the parameters past the logger either (TypeORM's own console logger would).
    expect(calls).not.toContain(secrets.password);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as { parameters?: unknown }).parameters).toEqual([secrets.password]); // the leak this guards against
    const withToken = Object.assign(new Error('refused', { cause: failed }), { token: secrets.token });
    logs.logger.error({ err: failed }, 'query probe');
    logs.logger.error(withToken);
    logs.logger.warn({ context: { error: failed } }, 'nested error probe');
    const line = logs.lines().find((entry) => entry.msg === 'query probe');
    expect(line).toMatchObject({ err: { type: 'QueryFailedError', parameters: '[redacted]' } });
    expect(logs.lines().find((entry) => entry.msg === 'refused')).toMatchObject({
      err: { type: 'Error', token: '[redacted]', cause: { parameters: '[redacted]' } },
    });
    expect(logs.lines().find((entry) => entry.msg === 'nested error probe')).toMatchObject({
      context: { error: { type: 'QueryFailedError', parameters: '[redacted]' } },
    });
    for (const secret of [secrets.password, secrets.token]) expect(logs.text()).not.toContain(secret);
  });
});

describe('LOG_LEVEL', () => {
  it('when LOG_LEVEL is warn, then info lines are left out and warnings are written', async () => {
    const quiet = captureLogs(modules, { LOG_LEVEL: 'warn' });
    const app = await startTestApp({ modules: [widgetsModule, testUserModule], logger: quiet.logger });
    try {
      await request(app.app).get('/health').expect(200);
      await request(app.app).get('/no-such-route').expect(404);
      await request(app.app).get('/fail').expect(500);
      expect(
        quiet
          .lines()
          .filter((line) => line.msg === 'request')
          .map((line) => [line.level, (line.res as { status: number }).status]),
      ).toEqual([
        [40, 404],
        [50, 500],
      ]);
    } finally {
      await app.close();
    }
  });
});

describe('pretty output', () => {
  it.each([
    ['development', 'true', 'pino-pretty'],
    ['development', 'false', undefined],
    ['test', 'true', undefined],
    ['production', 'true', undefined],
  ])(
    'when NODE_ENV is %s and pretty_logs %s, then the transport is %s (JSON otherwise)',
    (nodeEnv, prettyLogs, target) => {
      const extension = loggingExtension(testConfig({ NODE_ENV: nodeEnv, OBSERVABILITY_PRETTY_LOGS: prettyLogs }));
      expect(extension.transport?.target).toBe(target);
    },
  );
});
