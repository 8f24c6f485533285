/**
 * The OpenAPI document as a contract: independent linters find nothing in it, and a client generated from it
 * type-checks under the app's strict settings and talks to the app.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { forgeRoot } from '../../src/paths.js';
import { sh, StepError } from './steps.js';

const bin = (name: string) => join(forgeRoot, 'node_modules', '.bin', name);
const rulesets = join(import.meta.dirname, 'openapi');

/**
 * Spectral with its OpenAPI rules and the OWASP API Security ruleset, then Redocly's recommended rules, each with
 * the checked-in ruleset (test/e2e/openapi/) that says which rules do not fit and why. Any finding, even a hint or
 * a warning, fails the step.
 */
export async function lintOpenApi(label: string, document: string): Promise<string> {
  const step = 'OpenAPI lint';
  await sh(label, `${step} (Spectral OAS + OWASP)`, bin('spectral'), [
    'lint',
    '--ruleset',
    join(rulesets, 'spectral.yaml'),
    '--fail-severity=hint',
    '--format=text',
    document,
  ]);
  const redocly = await execa(bin('redocly'), ['lint', '--config', join(rulesets, 'redocly.yaml'), '--format=json', document], {
    reject: false,
    env: { NO_COLOR: '1' },
  });
  // Redocly may print a banner (e.g. a Node.js deprecation notice) before the report.
  const report = redocly.stdout.slice(redocly.stdout.indexOf('{'));
  let totals: { errors: number; warnings: number };
  try {
    totals = (JSON.parse(report) as { totals: { errors: number; warnings: number } }).totals;
  } catch {
    throw new StepError(label, `${step} (Redocly)`, `no JSON report (exit ${redocly.exitCode}):\n${redocly.stdout}\n${redocly.stderr}`);
  }
  if (totals.errors + totals.warnings > 0) {
    const stylish = await execa(bin('redocly'), ['lint', '--config', join(rulesets, 'redocly.yaml'), document], { reject: false, env: { NO_COLOR: '1' } });
    throw new StepError(label, `${step} (Redocly recommended)`, `${totals.errors} error(s), ${totals.warnings} warning(s)\n${stylish.stdout}`);
  }
  return 'Spectral OAS + OWASP, Redocly recommended: no findings';
}

const clientTest = (withAuth: boolean) => `import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, expect, it } from 'vitest';
${withAuth ? "import { registerOwner, startAuthTestApp } from './modules/auth/testing/auth-helpers.js';\n" : "import { startTestApp } from './modules/core/testing/test-app.js';\n"}import type { TestApp } from './modules/core/testing/test-app.js';
import type { paths } from './openapi-types.e2e.js';

// Written by forge's e2e: a client typed from the running app's /openapi.json, calling the app over HTTP.
let t: TestApp;
let server: Server;
let client: ReturnType<typeof createClient<paths>>;
beforeAll(async () => {
  t = await ${withAuth ? 'startAuthTestApp()' : 'startTestApp()'};
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  client = createClient<paths>({ baseUrl: \`http://127.0.0.1:\${String((server.address() as AddressInfo).port)}\` });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

it('when the typed client calls GET /health, then it gets the documented body', async () => {
  const { data, response } = await client.GET('/health');
  expect(response.status).toBe(200);
  const status: 'ok' | undefined = data?.status;
  expect(status).toBe('ok');
});
${withAuth ? `
it('when the typed client calls GET /auth/me with a bearer token, then it gets the account; without, a typed 401', async () => {
  const owner = await registerOwner(t);
  const { data, response } = await client.GET('/auth/me', { headers: { authorization: \`Bearer \${owner.accessToken}\` } });
  expect(response.status).toBe(200);
  const email: string | undefined = data?.email;
  expect(email).toBe(owner.email);
  const refused = await client.GET('/auth/me');
  expect(refused.response.status).toBe(401);
  const problemStatus: number | undefined = refused.error?.status;
  expect(problemStatus).toBe(401);
  expect(refused.response.headers.get('www-authenticate')).toBe('Bearer');
});
` : ''}`;

/**
 * Generates types from the document with openapi-typescript into the app, writes a test that calls the app
 * through openapi-fetch with them (/health, and with auth an authenticated route), then type-checks the app
 * (strict) and runs that test.
 */
export async function typedClient(label: string, app: string, document: string): Promise<string> {
  const step = 'typed client';
  await sh(label, `${step}: openapi-typescript`, bin('openapi-typescript'), [document, '--output', join(app, 'src', 'openapi-types.e2e.ts')]);
  const withAuth = existsSync(join(app, 'src', 'modules', 'auth'));
  writeFileSync(join(app, 'src', 'openapi-client.e2e.test.ts'), clientTest(withAuth));
  await sh(label, `${step}: typecheck (strict)`, 'npm', ['run', '--silent', 'typecheck'], { cwd: app });
  await sh(label, `${step}: test`, join(app, 'node_modules', '.bin', 'vitest'), ['run', 'src/openapi-client.e2e.test.ts'], { cwd: app });
  return withAuth ? '/health and GET /auth/me' : '/health';
}
