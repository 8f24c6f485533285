/**
 * The end-to-end matrix: every combination is generated, type-checked, linted, tested on SQLite and on
 * PostgreSQL + Redis, migrated up and down with no schema drift, booted and stopped, and its compose file parsed.
 * One combination: `npm run e2e -- --only <label>`. The combinations are dealt to `shards` test files that
 * vitest runs side by side (matrix-1.test.ts, matrix-2.test.ts), largest first.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { combinations } from './combinations.js';
import { freshDatabase, pgAdminUrl, reachable, redisUrl } from './services.js';
import { ltsRuntime, sharedNodeModules } from './shared-deps.js';
import { appEnv, bootAndStop, checkDeclaredImports, copyApp, generateApp, linkNodeModules, sh } from './steps.js';

export async function defineMatrix(shard: number, shards: number): Promise<void> {
  const all = await combinations();
  const list = [...all].sort((a, b) => b.modules.length - a.modules.length || a.label.localeCompare(b.label)).filter((_, i) => i % shards === shard);
  const timings: string[] = [];
  let shared = '';
  let services = { pg: false, redis: false };
  let composeCli: string[] | undefined;

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
    console.log(`combinations: ${list.map((c) => c.label).join(', ')}; PostgreSQL ${services.pg ? 'up' : 'DOWN'}, Redis ${services.redis ? 'up' : 'DOWN'}, compose ${composeCli?.join(' ') ?? 'missing'}`);
  });

  afterAll(() => {
    console.log(`\nstep timings:\n${timings.join('\n')}`);
  });

  if (list.length === 0) it.skip('no combination selected by --only', () => undefined);

  for (const combination of list) {
    describe.sequential(combination.label, () => {
      const { label } = combination;
      let app = '';
      let broken = false;
      /** Each step is timed; after one fails the rest of the combination is skipped, not piled on. */
      const step = (name: string, body: () => Promise<string | void>) =>
        it(name, async (ctx) => {
          if (broken || (name.includes('PostgreSQL') && !services.pg)) return ctx.skip();
          const started = Date.now();
          try {
            const note = await body();
            timings.push(`${label.padEnd(24)} ${name.padEnd(34)} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s${note ? `  ${note}` : ''}`);
          } catch (e) {
            broken = true;
            throw e;
          }
        });
      const npm = (name: string, script: string, env: Record<string, string> = {}) => sh(label, name, 'npm', ['run', '--silent', script], { cwd: app, env });
      /** Every migration up, TypeORM's schema diff empty, then every migration down again. */
      const migrateUpAndDown = async (env: Record<string, string>) => {
        await npm('migration:run', 'migration:run', env);
        await npm('migration:check (no schema drift)', 'migration:check', env);
        const applied = (await npm('migration:show', 'migration:show', env)).match(/\[X\]/g)?.length ?? 0;
        if (applied === 0) throw new Error(`[${label}] migration:show lists no applied migration after migration:run`);
        for (let i = 0; i < applied; i++) await npm('migration:revert', 'migration:revert', env);
        const left = (await npm('migration:show', 'migration:show', env)).match(/\[X\]/g)?.length ?? 0;
        if (left) throw new Error(`[${label}] ${left} migration(s) still applied after reverting all ${applied}`);
        return `${applied} migration(s) up, no drift, down`;
      };

      step('generate, deterministic, check', async () => {
        app = await generateApp(label, combination.args);
        linkNodeModules(app, shared);
        return combination.modules.join(',');
      });
      step('imports are declared in package.json', async () => checkDeclaredImports(label, app));
      step('typecheck (strict)', async () => void (await npm('typecheck', 'typecheck')));
      step('lint (zero warnings)', async () => void (await npm('lint', 'lint')));
      step('tests on SQLite', async () => void (await npm('tests on SQLite', 'test')));
      step('migrations on SQLite', () => migrateUpAndDown(appEnv(app, { SQLITE_PATH: `${app}/data/migrations.sqlite` })));
      step('tests on PostgreSQL + Redis', async () => {
        const db = await freshDatabase(label);
        try {
          await npm('tests on PostgreSQL', 'test', { DATABASE_URL: db.url, ...(services.redis ? { REDIS_URL: redisUrl } : {}) });
        } finally {
          await db.drop();
        }
      });
      step('migrations on PostgreSQL', async () => {
        const db = await freshDatabase(label);
        try {
          return await migrateUpAndDown(appEnv(app, { DATABASE_URL: db.url }));
        } finally {
          await db.drop();
        }
      });
      step('build, boot, /health, SIGTERM', async () => {
        await npm('build', 'build');
        const env = appEnv(app, { NODE_ENV: 'production', SQLITE_PATH: `${app}/data/boot.sqlite`, LOG_LEVEL: 'warn' });
        await npm('migration:run', 'migration:run', env);
        return bootAndStop(label, app, env);
      });
      if (combination.largest) {
        // Node 20 runs forge; users run the current LTS: the largest app must pass its tests and boot there too.
        step('tests and boot on the current LTS', async () => {
          const runtime = await ltsRuntime();
          const copy = copyApp(app, `${label}-node24`);
          linkNodeModules(copy, await sharedNodeModules((l) => console.log(l), runtime));
          const run = (name: string, script: string, env: Record<string, string> = {}) =>
            sh(label, `${name} on Node ${runtime.version}`, 'npm', ['run', '--silent', script], { cwd: copy, env: { ...runtime.env, ...env } });
          await run('tests', 'test');
          await run('build', 'build');
          const env = appEnv(copy, { ...runtime.env, NODE_ENV: 'production', SQLITE_PATH: `${copy}/data/boot.sqlite`, LOG_LEVEL: 'warn' });
          await run('migration:run', 'migration:run', env);
          return `Node ${runtime.version}: ${await bootAndStop(label, copy, env)}`;
        });
      }
      step('ops files (promtool, dashboards)', async () => {
      const dir = join(app, 'ops', 'prometheus');
      if (!existsSync(dir)) return 'none';
      const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
      for (const f of files) {
        const kind = f.startsWith('prometheus.') ? 'config' : 'rules';
        await sh(label, `promtool check ${kind} ${f}`, 'promtool', ['check', kind, join(dir, f)]);
      }
      const dashboards = join(app, 'ops', 'grafana');
      const json = existsSync(dashboards) ? readdirSync(dashboards, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')) : [];
      for (const f of json) JSON.parse(readFileSync(join(dashboards, f), 'utf8'));
      return `${files.length} prometheus file(s), ${json.length} dashboard(s)`;
    });
    step('docker compose config', async () => {
        if (!composeCli) throw new Error('no docker compose CLI: .ci/run installs Debian docker-compose');
        await sh(label, 'compose config', composeCli[0] as string, [...composeCli.slice(1), 'config', '-q'], { cwd: app });
      });
    });
  }
}
