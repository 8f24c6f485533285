/**
 * A module of the team's own, end to end: an app with auth gets a module scaffolded by `forge module new`, proved
 * by `forge module check`, added by `forge add-module`, then type-checked, linted, tested (its tests and auth's) on
 * SQLite and PostgreSQL + Redis, migrated up and down with no drift, booted, and its OpenAPI document linted. Then
 * the team changes the module (a new route and its test, a new config default) while having edited a generated
 * file of it in the app: `forge generate` brings the change in, keeps the edit, and the app passes again.
 * `npm run e2e -- --only own-module`.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintOpenApi } from './openapi.js';
import { freshDatabase, reachable, redisUrl } from './services.js';
import { sharedNodeModules } from './shared-deps.js';
import { appEnv, bootAndStop, forgeBin, linkNodeModules, sh } from './steps.js';

const label = 'own-module';
const only = process.env.FORGE_E2E_ONLY;
const skip = (only !== undefined && !only.split(',').includes(label)) || process.env.FORGE_E2E_MODULES !== undefined;
const appMigrations = join(import.meta.dirname, 'app-migrations.ts');
const moduleDir = 'forge-modules/acme_notes';
const moduleFiles = `${moduleDir}/files/src/modules/acme_notes`;

describe.skipIf(skip).sequential('an app with auth and a scaffolded module of its own', () => {
  let app = '';
  let shared = '';
  const forge = (step: string, args: string[]) => sh(label, step, 'node', [forgeBin, ...args], { cwd: app });
  const npm = (step: string, args: string[], env: Record<string, string> = {}) => sh(label, step, 'npm', ['run', '--silent', ...args], { cwd: app, env });
  const read = (path: string) => readFileSync(join(app, path), 'utf8');
  const edit = (path: string, fn: (text: string) => string) => writeFileSync(join(app, path), fn(read(path)));
  const ownTests = ['--', 'src/modules/acme_notes/', 'src/modules/auth/'];

  beforeAll(async () => {
    shared = await sharedNodeModules((l) => console.log(l));
    const parent = mkdtempSync(join(tmpdir(), `forge-e2e-${label}-`));
    await sh(label, 'new', 'node', [forgeBin, 'new', 'app', '--modules', 'auth', '--skip-install', '--skip-git'], { cwd: parent });
    app = join(parent, 'app');
    linkNodeModules(app, shared);
  });

  it('forge module new scaffolds it, and forge module check proves it in a scratch app', async () => {
    await forge('module new', ['module', 'new', 'acme_notes']);
    const checked = await forge('module check', ['module', 'check', 'acme_notes', '--node-modules', shared]);
    expect(checked).toContain('acme_notes: generates an app that type-checks, lints clean and passes its tests');
  });

  it('forge add-module brings it into the app beside auth; forge check is clean', async () => {
    const added = await forge('add-module', ['add-module', 'acme_notes', '--skip-install']);
    expect(added).toMatch(/New migrations:\n\s+src\/modules\/acme_notes\/migrations\/\d+-acme-notes-create-items\.ts/);
    expect(read('src/modules.ts')).toContain('acmeNotesModule');
    await forge('check', ['check']);
  });

  it('type-checks, lints with zero warnings, passes its and auth’s tests on SQLite, migrates up and down', async () => {
    await npm('typecheck', ['typecheck']);
    await npm('lint', ['lint']);
    await npm('tests on SQLite', ['test', ...ownTests]);
    await sh(label, 'migrations on SQLite', join(app, 'node_modules', '.bin', 'tsx'), [appMigrations], { cwd: app, env: appEnv(app, { SQLITE_PATH: `${app}/data/migrations.sqlite` }) });
  });

  it('passes them on PostgreSQL + Redis, and migrates up and down there with no drift', async () => {
    const db = await freshDatabase(label);
    try {
      const redis: Record<string, string> = (await reachable(redisUrl)) ? { REDIS_URL: redisUrl } : {};
      await npm('tests on PostgreSQL', ['test', ...ownTests], { DATABASE_URL: db.url, ...redis });
    } finally {
      await db.drop();
    }
    const migrations = await freshDatabase(label);
    try {
      await sh(label, 'migrations on PostgreSQL', join(app, 'node_modules', '.bin', 'tsx'), [appMigrations], { cwd: app, env: appEnv(app, { DATABASE_URL: migrations.url }) });
    } finally {
      await migrations.drop();
    }
  });

  it('a change to the module reaches the app on forge generate, and the team’s edit of its generated file stays', async () => {
    edit('src/modules/acme_notes/index.ts', (s) => `${s}\n/** The team's own note: kept on regeneration. */\nexport const notesOwner = 'team-a';\n`);
    // The module gains a route (and its test), and a lower default for its config key.
    edit(`${moduleDir}/module.ts`, (s) => s.replace('.default(200)', '.default(120)'));
    edit(`${moduleFiles}/routes.ts`, (s) =>
      s
        .replace("import {\n  defineRoute,", "import {\n  defineRoute,\n  found,")
        .replace(
          '  ];\n}',
          `    defineRoute({
      method: 'get',
      path: '/acme-notes/items/:id',
      permission: 'acme_notes:read',
      tenant: 'required',
      summary: 'Read an item',
      request: { params: z.object({ id: z.string().min(1).max(64) }) },
      responses: { 200: { description: 'The item', schema: ItemView }, 404: { description: 'No such item' } },
      handler: async ({ params }) => found(await items.findById(params.id)),
    }),
  ];
}`,
        ),
    );
    appendFileSync(
      join(app, `${moduleFiles}/tests/acme-notes.test.ts`),
      `
describe('GET /acme-notes/items/:id', () => {
  it('when the item is another tenant’s, then it answers 404', async () => {
    const tenant = await t.newTenant();
    const other = await t.newTenant();
    const created = await request(t.app).post('/acme-notes/items').set(asTenant(tenant)).send({ title: 'mine' }).expect(201);
    const id = (created.body as { id: string }).id;
    await request(t.app).get(\`/acme-notes/items/\${id}\`).set(asTenant(tenant)).expect(200);
    await request(t.app).get(\`/acme-notes/items/\${id}\`).set(asTenant(other)).expect(404);
  });
});
`,
    );
    await expect(sh(label, 'check sees the change', 'node', [forgeBin, 'check'], { cwd: app })).rejects.toThrow(/exit 1/);
    const regenerated = await forge('generate', ['generate']);
    expect(regenerated).toMatch(/MERGE\s+src\/modules\/acme_notes\/index\.ts|KEEP\s+src\/modules\/acme_notes\/index\.ts/);
    expect(read('src/modules/acme_notes/routes.ts')).toContain("path: '/acme-notes/items/:id'");
    expect(read('src/modules/acme_notes/index.ts')).toContain("export const notesOwner = 'team-a';");
    expect(read('src/config.ts')).toContain('ACME_NOTES_MAX_TITLE_LENGTH: z.coerce.number().int().min(1).max(500).default(120)');
    await forge('check after generate', ['check']);
  });

  it('after the change: type-checks, lints, passes the tests (the new one too), boots, and its OpenAPI lints clean', async () => {
    await npm('typecheck after the change', ['typecheck']);
    await npm('lint after the change', ['lint']);
    const tests = await npm('tests after the change', ['test', ...ownTests]);
    // vitest colours its summary even without a terminal.
    expect(tests.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests\s+\d+ passed/);
    await npm('build', ['build']);
    const document = join(app, '..', 'openapi.json');
    await bootAndStop(label, app, appEnv(app, { NODE_ENV: 'production', MIGRATE_ON_BOOT: 'true', SQLITE_PATH: `${app}/data/boot.sqlite`, LOG_LEVEL: 'warn' }), document);
    expect(readFileSync(document, 'utf8')).toContain('/acme-notes/items/{id}');
    await lintOpenApi(label, document);
  });
});
