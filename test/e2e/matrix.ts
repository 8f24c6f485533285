/**
 * The end-to-end matrix: every combination is generated, type-checked, linted, tested on SQLite and on
 * PostgreSQL + Redis, migrated up and down with no schema drift, booted and stopped, and its compose file parsed.
 * One combination: `npm run e2e -- --only <label>`. vitest runs the matrix files (matrix-1.test.ts,
 * matrix-2.test.ts) side by side; each lists every combination, largest first, and runs those it claims first
 * (claims.ts).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { claim } from './claims.js';
import { combinations } from './combinations.js';
import { freshDatabase, pgAdminUrl, reachable, redisUrl, servicesRequired } from './services.js';
import { currentRuntime, ltsRuntime, type Runtime, sharedNodeModules } from './shared-deps.js';
import { lintOpenApi, typedClient } from './openapi.js';
import { appEnv, bootAndStop, checkDeclaredImports, generateApp, linkNodeModules, sh, StepError } from './steps.js';

/** Runs inside each app with the app's tsx: migrations up, no drift, all down, no table left, in one process. */
const appMigrations = join(import.meta.dirname, 'app-migrations.ts');

export async function defineMatrix(): Promise<void> {
  // Largest first, its run on the Node LTS (which may install that runtime's catalogue) ahead of its equals: the
  // longest jobs start early.
  const list = (await combinations()).sort((a, b) => b.modules.length - a.modules.length || Number(b.runtime === 'lts') - Number(a.runtime === 'lts') || a.label.localeCompare(b.label));
  const claims = inject('e2eClaims');
  const timings: string[] = [];
  /** Seconds of step time per combination, all steps and its test suites: what the matrix grows by per module. */
  const totals = new Map<string, { all: number; tests: number }>();
  let shared = '';
  let services = { pg: false, redis: false };
  let composeCli: string[] | undefined;
  let promtool = false;

  beforeAll(async () => {
    shared = await sharedNodeModules((l) => console.log(l));
    services = { pg: await reachable(pgAdminUrl), redis: await reachable(redisUrl) };
    for (const cli of [['docker', 'compose'], ['docker-compose']]) {
      const r = await execa(cli[0] as string, [...cli.slice(1), 'version'], { reject: false });
      if (r.exitCode === 0) {
        composeCli = cli;
        break;
      }
    }
    promtool = (await execa('promtool', ['--version'], { reject: false })).exitCode === 0;
    console.log(`combinations, each run by the first matrix file to claim it: ${list.map((c) => c.label).join(', ')}; PostgreSQL ${services.pg ? 'up' : 'DOWN'}, Redis ${services.redis ? 'up' : 'DOWN'}, compose ${composeCli?.join(' ') ?? 'missing'}, promtool ${promtool ? 'found' : 'missing'}`);
    const down = [!services.pg && `PostgreSQL (${pgAdminUrl})`, !services.redis && `Redis (${redisUrl})`].filter(Boolean).join(' and ');
    const absent = [!composeCli && 'a docker compose CLI', !promtool && 'promtool'].filter(Boolean).join(' and ');
    if (absent) {
      console.warn(
        `\n!!! ${absent} not installed (.ci/run installs Debian's docker-compose and prometheus): the steps that need them ${servicesRequired ? 'FAIL (CI or FORGE_E2E_REQUIRE_SERVICES=1)' : 'are SKIPPED, and this run proves nothing of them'}.\n`,
      );
    }
    if (down) {
      console.warn(
        `\n!!! ${down} unreachable: the steps that need a missing service ${servicesRequired ? 'FAIL (CI or FORGE_E2E_REQUIRE_SERVICES=1)' : 'are SKIPPED, and this run proves nothing of them'}.\n`,
      );
    }
  });

  afterAll(() => {
    if (!timings.length) return;
    const sum = [...totals].map(([label, t]) => `${label.padEnd(24)} ${t.all.toFixed(1).padStart(6)} s, of which tests ${t.tests.toFixed(1).padStart(6)} s`);
    console.log(`\nstep timings:\n${timings.join('\n')}\n\nper combination:\n${sum.join('\n')}`);
  });

  if (list.length === 0) it.skip('no combination is selected', () => undefined);

  for (const combination of list) {
    describe.sequential(combination.label, () => {
      const { label } = combination;
      let app = '';
      let broken = false;
      let elsewhere: boolean | undefined;
      const record = (name: string, seconds: string, note = '') => timings.push(`${label.padEnd(24)} ${name.padEnd(34)} ${seconds.padStart(6)} s${note ? `  ${note}` : ''}`);
      /**
       * Each step is timed; after one fails the rest of the combination is skipped, not piled on. Any error is
       * reported as a StepError, so it names the combination and the step and says how to run it alone.
       */
      const step = (name: string, body: () => Promise<string | void>, needs: { pg?: boolean; compose?: boolean; promtool?: boolean } = {}) =>
        it(name, async (ctx) => {
          elsewhere ??= !claim(claims, label);
          if (elsewhere) return ctx.skip('run by another matrix file');
          if (broken) return ctx.skip();
          // A missing service or tool skips the step loudly on a developer's machine, and fails it in CI.
          const missing =
            (needs.pg && !services.pg && `PostgreSQL is unreachable at ${pgAdminUrl}`) ||
            (needs.compose && !composeCli && "no docker compose CLI (.ci/run installs Debian's docker-compose)") ||
            (needs.promtool && !promtool && "promtool is not installed (.ci/run installs Debian's prometheus)");
          if (missing) {
            if (servicesRequired) throw new StepError(label, name, missing);
            console.warn(`!!! [${label}] ${name} SKIPPED: ${missing}`);
            record(name, '-', `SKIPPED: ${missing}`);
            return ctx.skip();
          }
          const started = Date.now();
          try {
            const note = await body();
            const seconds = (Date.now() - started) / 1000;
            record(name, seconds.toFixed(1), note ?? '');
            const total = totals.get(label) ?? { all: 0, tests: 0 };
            totals.set(label, { all: total.all + seconds, tests: total.tests + (name.startsWith('tests on') ? seconds : 0) });
          } catch (e) {
            broken = true;
            const error = e instanceof StepError ? e : new StepError(label, name, e instanceof Error ? (e.stack ?? e.message) : String(e));
            if (app) error.message += `\nThe app is kept for a look: ${app}`;
            throw error;
          }
        });
      // A passing app is deleted; a failing one stays where its error says.
      afterAll(() => {
        if (app && !broken) rmSync(dirname(app), { recursive: true, force: true });
      });
      const npm = (name: string, script: string, env: Record<string, string> = {}, args: string[] = []) =>
        sh(label, name, 'npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], { cwd: app, env });
      const suite = combination.tests ?? [];
      const scope = combination.tests ? `tests of ${combination.tests.join(', ')}` : 'whole suite';
      const migrateUpAndDown = (name: string, env: Record<string, string>) =>
        sh(label, name, join(app, 'node_modules', '.bin', 'tsx'), [appMigrations], { cwd: app, env: appEnv(app, { ...combination.env, ...env }) }).then((out) => out.trim().split('\n').at(-1));
      // Production mode, migrated on boot from the built code: what a container does on its first start.
      const bootEnv = (dir: string, extra: Record<string, string> = {}) =>
        appEnv(dir, { ...combination.env, ...extra, NODE_ENV: 'production', MIGRATE_ON_BOOT: 'true', SQLITE_PATH: `${dir}/data/boot.sqlite`, LOG_LEVEL: 'warn' });

      if (combination.runtime === 'lts') {
        // The app's tests and its built code on the LTS. Type-checking, lint, migrations and PostgreSQL do not
        // depend on the runtime; they are proved on Node 20 under the combination's own label.
        let runtime: Runtime = currentRuntime();
        step('generate, link the LTS catalogue', async () => {
          app = await generateApp(label, combination.args);
          runtime = await ltsRuntime();
          linkNodeModules(app, await sharedNodeModules((l) => console.log(l), runtime));
          return `Node ${runtime.version}`;
        });
        step('tests on SQLite', async () => {
          await npm('tests on SQLite', 'test', runtime.env, suite);
          return scope;
        });
        step('build, boot, /health, SIGTERM', async () => {
          await npm('build', 'build', runtime.env);
          return bootAndStop(label, app, bootEnv(app, runtime.env));
        });
        return;
      }

      step('generate, deterministic, check', async () => {
        app = await generateApp(label, combination.args);
        linkNodeModules(app, shared);
        return combination.modules.join(',');
      });
      step('imports are declared in package.json', async () => checkDeclaredImports(label, app));
      step('formatted (prettier --check)', async () => void (await npm('formatted', 'format:check')));
      step('typecheck (strict)', async () => void (await npm('typecheck', 'typecheck')));
      step('lint (zero warnings)', async () => void (await npm('lint', 'lint')));
      step('tests on SQLite', async () => {
        await npm('tests on SQLite', 'test', {}, suite);
        return scope;
      });
      step('migrations on SQLite', () => migrateUpAndDown('migrations on SQLite', { SQLITE_PATH: `${app}/data/migrations.sqlite` }));
      step(
        'tests on PostgreSQL + Redis',
        async () => {
          if (!services.redis) {
            if (servicesRequired) throw new StepError(label, 'tests on PostgreSQL + Redis', `Redis is unreachable at ${redisUrl}`);
            console.warn(`!!! [${label}] Redis is unreachable at ${redisUrl}: the PostgreSQL suite runs WITHOUT Redis`);
          }
          const db = await freshDatabase(label);
          try {
            await npm('tests on PostgreSQL', 'test', { DATABASE_URL: db.url, ...(services.redis ? { REDIS_URL: redisUrl } : {}) }, suite);
          } finally {
            await db.drop();
          }
          return services.redis ? scope : `${scope}, WITHOUT Redis (unreachable)`;
        },
        { pg: true },
      );
      step(
        'migrations on PostgreSQL',
        async () => {
          const db = await freshDatabase(label);
          try {
            return await migrateUpAndDown('migrations on PostgreSQL', { DATABASE_URL: db.url });
          } finally {
            await db.drop();
          }
        },
        { pg: true },
      );
      step('build, boot, /health, SIGTERM', async () => {
        await npm('build', 'build');
        return bootAndStop(label, app, bootEnv(app), join(dirname(app), 'openapi.json'));
      });
      step('OpenAPI lint (Spectral OAS + OWASP, Redocly)', () => lintOpenApi(label, join(dirname(app), 'openapi.json')));
      step('typed client (openapi-typescript + openapi-fetch)', () => typedClient(label, app, join(dirname(app), 'openapi.json')));
      step(
        'prometheus files (promtool)',
        async () => {
          const dir = join(app, 'ops', 'prometheus');
          if (!existsSync(dir)) return 'none';
          const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
          for (const f of files) {
            const kind = f.startsWith('prometheus.') ? 'config' : 'rules';
            await sh(label, `promtool check ${kind} ${f}`, 'promtool', ['check', kind, join(dir, f)]);
          }
          return `${files.length} file(s)`;
        },
        { promtool: true },
      );
      step('grafana dashboards are JSON', async () => {
        const dashboards = join(app, 'ops', 'grafana');
        const json = existsSync(dashboards) ? readdirSync(dashboards, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')) : [];
        for (const f of json) {
          try {
            JSON.parse(readFileSync(join(dashboards, f), 'utf8'));
          } catch (e) {
            throw new StepError(label, 'grafana dashboards are JSON', `ops/grafana/${f} is not JSON: ${(e as Error).message}`);
          }
        }
        return `${json.length} dashboard(s)`;
      });
      step(
        'docker compose config',
        async () => {
          const cli = composeCli ?? [];
          // Compose refuses a variable the app requires and .env leaves empty, as a user's own .env would fill it.
          await sh(label, 'compose config', cli[0] as string, [...cli.slice(1), 'config', '-q'], { cwd: app, env: combination.env ?? {} });
        },
        { compose: true },
      );
    });
  }
}
