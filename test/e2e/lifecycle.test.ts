/**
 * The lifecycle matrix on real generated apps: a file in each state (untouched, edited apart from forge's
 * change, edited on it, deleted, added by the user) × each way a project changes (regenerate, add-module,
 * remove-module, upgrade) — 20 cells, one `it` each. Each action gets its own app with all five states set up
 * at once; after the action (and the user resolving the conflict it marked) the app type-checks and passes its
 * own tests, once per action to keep the run short.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { forgeRoot } from '../../src/paths.js';
import { sharedNodeModules } from './shared-deps.js';
import { forgeBin, linkNodeModules, sh } from './steps.js';

const label = 'lifecycle';
const only = process.env.FORGE_E2E_ONLY;
const skip = only !== undefined && !only.split(',').includes(label);

class App {
  constructor(readonly dir: string) {}
  read = (path: string) => readFileSync(join(this.dir, path), 'utf8');
  exists = (path: string) => existsSync(join(this.dir, path));
  write = (path: string, text: string) => writeFileSync(join(this.dir, path), text);
  edit = (path: string, fn: (text: string) => string) => this.write(path, fn(this.read(path)));
  forge = (args: string[]) => execa('node', [forgeBin, ...args], { cwd: this.dir, reject: false, env: { NO_COLOR: '1' } });
  /** The user settles a conflict by taking one side of every marked block. */
  resolve = (path: string, side: 'yours' | 'forge') =>
    this.edit(path, (s) => s.replace(/<<<<<<< yours\n([\s\S]*?)=======\n([\s\S]*?)>>>>>>> forge\n/g, (_, mine: string, theirs: string) => (side === 'yours' ? mine : theirs)));
  async stillWorks(step: string) {
    await sh(label, `${step}: typecheck`, 'npm', ['run', '--silent', 'typecheck'], { cwd: this.dir });
    await sh(label, `${step}: tests`, 'npm', ['run', '--silent', 'test'], { cwd: this.dir });
  }
}

/** The last test of each action: the app, edited by its user and then changed by forge, still works. */
function itStillWorks(step: string, app: () => App): void {
  it("the app still type-checks and passes its tests, the user's own included", () => app().stillWorks(step));
}

async function newApp(modules: string): Promise<App> {
  const parent = mkdtempSync(join(tmpdir(), 'forge-e2e-lifecycle-'));
  await sh(label, 'new', 'node', [forgeBin, 'new', 'app', '--modules', modules, '--skip-install', '--skip-git'], { cwd: parent });
  const app = new App(join(parent, 'app'));
  linkNodeModules(app.dir, await sharedNodeModules((l) => console.log(l)));
  return app;
}

/** A user variable at the end of envSchema and in loadConfig's result: where add-module appends its own. */
const addUserVariable = (app: App) =>
  app.edit('src/config.ts', (s) =>
    s.replace(/\n\}\);\n/, '\n  /** my own flag */\n  MY_FLAG: z.string().default("on"),\n});\n').replace('    env,\n', '    env,\n    mine: { flag: env.MY_FLAG },\n'),
  );
const userTest = "import { expect, it } from 'vitest';\n\nit('is mine', () => {\n  expect(1 + 1).toBe(2);\n});\n";

describe.skipIf(skip).sequential('regenerate after a config change (core rate_limit_points 100 → 500)', () => {
  let app: App;
  let first: Awaited<ReturnType<App['forge']>>;
  beforeAll(async () => {
    app = await newApp('');
    app.edit('src/config.ts', (s) => `// my note about config\n${s}`); // edited apart from forge's change
    addUserVariable(app);
    app.edit('.env.example', (s) => s.replace('CORE_RATE_LIMIT_POINTS=100', 'CORE_RATE_LIMIT_POINTS=250')); // edited on it
    rmSync(join(app.dir, 'README.md')); // deleted, though forge's new render changes it
    app.write('src/mine.test.ts', userTest); // added
    app.edit('forge.yaml', (s) => s.replace('modules: []', 'modules:\n  - name: core\n    config:\n      rate_limit_points: 500'));
    first = await app.forge(['generate']);
  });

  it('untouched: replaced by the new render', () => {
    expect(first.stdout).toMatch(/UPDATE docker-compose\.yml/);
    expect(app.read('docker-compose.yml')).toContain('CORE_RATE_LIMIT_POINTS: ${CORE_RATE_LIMIT_POINTS:-500}');
  });
  it('edited apart from the change: merged', () => {
    expect(first.stdout).toMatch(/MERGE\s+src\/config\.ts/);
    expect(app.read('src/config.ts')).toMatch(/^\/\/ my note about config\n[\s\S]*CORE_RATE_LIMIT_POINTS: z\.coerce\.number\(\)\.int\(\)\.min\(1\)\.default\(500\)/);
    expect(app.read('src/config.ts')).toContain('MY_FLAG: z.string().default("on"),');
  });
  it('edited on the change: marked, listed, exit 1', () => {
    expect(first.exitCode, first.stdout).toBe(1);
    expect(first.stdout).toMatch(/CONFLICT \.env\.example/);
    expect(app.read('.env.example')).toMatch(/<<<<<<< yours\n(#.*\n)*CORE_RATE_LIMIT_POINTS=250\n=======\n(#.*\n)*CORE_RATE_LIMIT_POINTS=500\n>>>>>>> forge\n/);
  });
  it('deleted: stays deleted, reported once', async () => {
    expect(first.stdout).toMatch(/KEEP\s+README\.md\s+\(deleted by you; stays deleted\)/);
    expect(app.exists('README.md')).toBe(false);
    app.resolve('.env.example', 'forge');
    const second = await app.forge(['generate']);
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.stdout).not.toContain('README.md');
    expect(app.exists('README.md')).toBe(false);
    expect((await app.forge(['check'])).exitCode).toBe(0);
  });
  it('added by the user: never touched', () => {
    expect(first.stdout).not.toContain('src/mine.test.ts');
    expect(app.read('src/mine.test.ts')).toBe(userTest);
  });
  itStillWorks('after regenerate', () => app);
});

describe.skipIf(skip).sequential('add-module observability', () => {
  let app: App;
  let added: Awaited<ReturnType<App['forge']>>;
  beforeAll(async () => {
    app = await newApp('');
    addUserVariable(app); // edited where add-module adds its variables: entries, so no overlap
    app.edit('src/modules.ts', (s) => `${s}// registered by hand below this line\n`);
    app.edit('README.md', (s) => `${s}\n## Our own notes\n`); // a section of our own, where add-module appends its section
    app.edit('README.md', (s) => s.replace('| `CORE_ROW_LEVEL_SECURITY` | With', '| `CORE_ROW_LEVEL_SECURITY` | (we keep it off) With')); // edited on the row forge appends after
    rmSync(join(app.dir, '.github/workflows/ci.yml')); // deleted
    app.write('src/mine.test.ts', userTest); // added
    added = await app.forge(['add-module', 'observability', '--skip-install']);
  });

  it('untouched: replaced by the new render', () => {
    expect(added.stdout).toMatch(/UPDATE docker-compose\.yml/);
    expect(app.read('docker-compose.yml')).toMatch(/METRICS_TOKEN[\s\S]*\n {2}prometheus:/);
  });
  it('edited apart from the change: merged, the user variable beside the new ones', () => {
    expect(added.stdout).toMatch(/MERGE\s+src\/config\.ts/);
    const config = app.read('src/config.ts');
    expect(config).toContain('MY_FLAG: z.string().default("on"),');
    expect(config).toContain('mine: { flag: env.MY_FLAG },');
    expect(config).toMatch(/METRICS_TOKEN: /);
    expect(app.read('src/modules.ts')).toMatch(/observabilityModule[\s\S]*\/\/ registered by hand below this line\n$/);
    expect(app.read('README.md')).toMatch(/### observability[\s\S]*\n## Our own notes\n$/); // README merges by section
  });
  it('edited on the change: marked, listed, exit 1', () => {
    expect(added.exitCode, added.stdout + added.stderr).toBe(1);
    expect(added.stdout).toMatch(/CONFLICT README\.md/);
    expect(app.read('README.md')).toMatch(/<<<<<<< yours\n.*\(we keep it off\).*\n=======\n.*CORE_ROW_LEVEL_SECURITY.*\n\| `METRICS_TOKEN`[\s\S]*>>>>>>> forge\n/);
  });
  it('deleted: stays deleted, reported once', async () => {
    expect(added.stdout).toMatch(/KEEP\s+\.github\/workflows\/ci\.yml/);
    app.resolve('README.md', 'forge');
    const again = await app.forge(['generate']);
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.stdout).not.toContain('ci.yml');
    expect(app.exists('.github/workflows/ci.yml')).toBe(false);
  });
  it('added by the user: never touched', () => {
    expect(app.read('src/mine.test.ts')).toBe(userTest);
  });
  itStillWorks('after add-module observability', () => app);
});

describe.skipIf(skip).sequential('remove-module observability', () => {
  let app: App;
  let removed: Awaited<ReturnType<App['forge']>>;
  beforeAll(async () => {
    app = await newApp('observability');
    addUserVariable(app);
    app.edit('src/modules/observability/metrics/http.ts', (s) => `${s}// we count requests our own way too\n`); // edited: kept
    app.edit('.env.example', (s) => s.replace('# Bearer token (at least 32 characters)', '# Bearer token (ours: from the vault)')); // edited where forge removes
    rmSync(join(app.dir, 'src/modules/observability/tests/tracing.test.ts')); // deleted
    app.write('src/modules/observability/OUR-NOTES.md', 'ours\n'); // added inside the module's folder
    removed = await app.forge(['remove-module', 'observability', '--skip-install']);
  });

  it('untouched: removed with the module', () => {
    expect(removed.stdout).toMatch(/DELETE src\/modules\/observability\/tracing\.ts/);
    expect(app.exists('src/modules/observability/tracing.ts')).toBe(false);
    expect(app.read('src/modules.ts')).not.toContain('observability');
    expect(app.read('docker-compose.yml')).not.toMatch(/prometheus|METRICS_TOKEN/);
  });
  it('edited: kept with the untouched files it imports, and the packages they need named', () => {
    expect(app.read('src/modules/observability/metrics/http.ts')).toContain('// we count requests our own way too');
    expect(app.exists('src/modules/observability/metrics/registry.ts')).toBe(true);
    expect(removed.stdout).toMatch(/untouched files of observability stay because the files above import them[^\n]*\n\s+src\/modules\/observability\/metrics\/registry\.ts/);
    expect(removed.stdout).toMatch(/src\/modules\/observability\/metrics\/registry\.ts: prom-client/);
    expect(app.read('src/config.ts')).toContain('MY_FLAG: z.string().default("on"),');
    expect(app.read('src/config.ts')).not.toContain('METRICS_TOKEN');
  });
  it('edited on the change: marked, listed, exit 1', async () => {
    expect(removed.exitCode, removed.stdout + removed.stderr).toBe(1);
    expect(removed.stdout).toMatch(/CONFLICT \.env\.example/);
    expect(app.read('.env.example')).toMatch(/<<<<<<< yours\n(.*\n)?# Bearer token \(ours: from the vault\).*\nMETRICS_TOKEN=\n=======\n>>>>>>> forge\n/);
    app.resolve('.env.example', 'forge');
    expect((await app.forge(['check'])).exitCode).toBe(0);
  });
  it('deleted: nothing to remove, nothing reported', () => {
    expect(removed.stdout).not.toContain('tracing.test.ts');
  });
  it('added by the user: never touched, its folder stays', () => {
    expect(app.read('src/modules/observability/OUR-NOTES.md')).toBe('ours\n');
    expect(removed.stdout).toMatch(/forge never drops data|kept no data of its own/);
  });
  itStillWorks('after remove-module observability', () => app);
});

describe.skipIf(skip).sequential('upgrade: a forge release with the widget fixture module at v1, then one at v2 (test/fixtures/upgrade)', () => {
  const fixtures = join(import.meta.dirname, '../fixtures/upgrade');
  /** A forge release holding widget `version`: a copy of this forge, the module's folder added, its descriptor compiled. */
  async function forgeWith(version: 'v1' | 'v2'): Promise<string> {
    const root = join(mkdtempSync(join(tmpdir(), `forge-${version}-`)), 'forge');
    cpSync(forgeRoot, root, { recursive: true, filter: (src) => !/\/(node_modules|\.git)$/.test(src) });
    symlinkSync(join(forgeRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
    cpSync(join(fixtures, version, 'widget'), join(root, 'templates/modules/widget'), { recursive: true });
    const source = readFileSync(join(fixtures, version, 'widget/module.ts'), 'utf8').replace('../../../../../src/', '../../../src/');
    const { ts } = await import('ts-morph');
    mkdirSync(join(root, 'dist/templates/modules/widget'), { recursive: true });
    writeFileSync(join(root, 'dist/templates/modules/widget/module.js'), ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    return join(root, 'bin/forge.js');
  }
  const widget = (file: string) => `src/modules/widget/${file}`;
  let app: App;
  let v2 = '';
  let upgraded: Awaited<ReturnType<App['forge']>>;
  beforeAll(async () => {
    const v1 = await forgeWith('v1');
    v2 = await forgeWith('v2');
    appendFileSync(join(v2, '../../templates/base/files/src/app.ts'), '\n// Added in forge v2.\n'); // a base template changes too
    const parent = mkdtempSync(join(tmpdir(), 'forge-e2e-lifecycle-'));
    writeFileSync(join(parent, 'forge.yaml'), 'name: app\nmodules:\n  - name: widget\n');
    await sh(label, 'new with forge v1', 'node', [v1, 'new', 'app', '--manifest', 'forge.yaml', '--skip-install', '--skip-git'], { cwd: parent });
    app = new App(join(parent, 'app'));
    linkNodeModules(app.dir, await sharedNodeModules((l) => console.log(l)));
    app.edit(widget('service.ts'), (s) => s.replace('// widget service\n', '// widget service\n// my note\n')); // edited apart
    app.edit(widget('legacy-edited.ts'), (s) => `${s}// still mine\n`); // edited, and gone from v2
    app.edit(widget('settings.ts'), (s) => s.replace('10', '15')); // edited on v2's change
    rmSync(join(app.dir, widget('notes.md'))); // deleted, though v2 changes it
    app.write(widget('mine.ts'), "export { answer } from './service.js';\n"); // added
    upgraded = await execa('node', [v2, 'generate'], { cwd: app.dir, reject: false, env: { NO_COLOR: '1' } });
  });

  it("untouched: v2's version arrives, files v2 dropped go", () => {
    expect(upgraded.stdout).toMatch(/CREATE src\/modules\/widget\/added-in-v2\.ts/);
    expect(upgraded.stdout).toMatch(/DELETE src\/modules\/widget\/legacy\.ts/);
    expect(app.exists(widget('legacy.ts'))).toBe(false);
    expect(app.read('src/app.ts')).toContain('// Added in forge v2.');
  });
  it("edited apart from v2's change: merged; edited and gone from v2: kept", () => {
    expect(upgraded.stdout).toMatch(/MERGE\s+src\/modules\/widget\/service\.ts/);
    expect(app.read(widget('service.ts'))).toMatch(/return 2;[\s\S]*\/\/ my note\n[\s\S]*version = 2;/);
    expect(upgraded.stdout).toMatch(/KEEP\s+src\/modules\/widget\/legacy-edited\.ts/);
    expect(app.read(widget('legacy-edited.ts'))).toContain('// still mine');
  });
  it("edited on v2's change: marked, listed, exit 1", () => {
    expect(upgraded.exitCode, upgraded.stdout + upgraded.stderr).toBe(1);
    expect(upgraded.stdout).toMatch(/CONFLICT src\/modules\/widget\/settings\.ts/);
    expect(app.read(widget('settings.ts'))).toContain('<<<<<<< yours\nexport const limit = 15;\n=======\nexport const limit = 20;\n>>>>>>> forge\n');
  });
  it('deleted: stays deleted, reported once', async () => {
    expect(upgraded.stdout).toMatch(/KEEP\s+src\/modules\/widget\/notes\.md\s+\(deleted by you; stays deleted\)/);
    app.resolve(widget('settings.ts'), 'yours');
    const again = await execa('node', [v2, 'generate'], { cwd: app.dir, reject: false, env: { NO_COLOR: '1' } });
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.stdout).not.toContain('notes.md');
    expect(app.exists(widget('notes.md'))).toBe(false);
  });
  it('added by the user: never touched', () => {
    expect(upgraded.stdout).not.toContain('mine.ts');
    expect(app.read(widget('mine.ts'))).toBe("export { answer } from './service.js';\n");
  });
  itStillWorks('after the upgrade', () => app);
});

describe.skipIf(skip).sequential("resources: the user's logic and route survive a field and a relation added in forge.yaml", () => {
  const manifest = `name: app
resources:
  customers:
    fields:
      name: { type: string, max_length: 100, required: true }
  orders:
    versioned: true
    fields:
      reference: { type: string, max_length: 40, required: true, unique: true }
`;
  const orders = (file: string) => `src/resources/orders/${file}`;
  const service = `import { OrdersServiceBase } from './service.base.js';

/** Our own use case beside the generated ones. */
export class OrdersService extends OrdersServiceBase {
  async shout(id: string): Promise<string> {
    return (await this.read(id)).reference.toUpperCase();
  }
}
`;
  const routes = `import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../modules/core/index.js';
import { IdParams } from '../shared/schemas.js';
import { ordersBaseRoutes, ordersPermissions } from './routes.base.js';
import type { OrdersService } from './service.js';

export function ordersRoutes(service: OrdersService): RouteDefinition[] {
  return [
    ...ordersBaseRoutes(service),
    defineRoute({
      method: 'get',
      path: '/orders/:id/shout',
      summary: 'An order reference, shouted',
      tags: ['orders'],
      tenant: 'required',
      permission: ordersPermissions.read,
      request: { params: IdParams },
      responses: { 200: { description: 'Shouted', schema: z.object({ shout: z.string() }) }, 404: { description: 'No such order' } },
      handler: async ({ params }) => ({ shout: await service.shout(params.id) }),
    }),
  ];
}
`;
  const userTest = `import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestApp } from '../../../modules/core/testing/test-app.js';
import { as, startResourceTestApp } from '../../testing/resource-api.js';
import { createOrder } from '../../testing/samples.js';

let t: TestApp;
beforeAll(async () => {
  t = await startResourceTestApp();
});
afterAll(async () => {
  await t.close();
});

it('shouts an order reference', async () => {
  const caller = as(t.app, await t.newTenant());
  const order = await createOrder(caller, { reference: 'abc-1' });
  expect((await caller.get(\`/orders/\${order.id}/shout\`).expect(200)).body).toEqual({ shout: 'ABC-1' });
});
`;
  let app: App;
  let regenerated: Awaited<ReturnType<App['forge']>>;
  let shipped: string[];
  beforeAll(async () => {
    const parent = mkdtempSync(join(tmpdir(), 'forge-e2e-lifecycle-'));
    writeFileSync(join(parent, 'forge.yaml'), manifest);
    await sh(label, 'new with resources', 'node', [forgeBin, 'new', 'app', '--manifest', 'forge.yaml', '--skip-install', '--skip-git'], { cwd: parent });
    app = new App(join(parent, 'app'));
    linkNodeModules(app.dir, await sharedNodeModules((l) => console.log(l)));
    app.write(orders('service.ts'), service);
    app.write(orders('routes.ts'), routes);
    app.write(orders('tests/shout.test.ts'), userTest);
    shipped = ['2000000000001-create-customers.ts', '2000000000002-create-orders.ts'].map((f) => app.read(`src/resources/migrations/${f}`));
    app.edit('forge.yaml', (s) =>
      s.replace('      reference: {', '      note: { type: text }\n      reference: {').concat('    relations:\n      customer: { type: many_to_one, resource: customers }\n'),
    );
    regenerated = await app.forge(['generate']);
  });

  it('regenerates without a conflict, keeping service.ts and routes.ts exactly as the user wrote them', () => {
    expect(regenerated.exitCode, regenerated.stdout + regenerated.stderr).toBe(0);
    expect(regenerated.stdout).not.toContain('CONFLICT');
    expect(regenerated.stdout).toMatch(/KEEP\s+src\/resources\/orders\/service\.ts/);
    expect(regenerated.stdout).toMatch(/KEEP\s+src\/resources\/orders\/routes\.ts/);
    expect(app.read(orders('service.ts'))).toBe(service);
    expect(app.read(orders('routes.ts'))).toBe(routes);
    expect(app.read(orders('tests/shout.test.ts'))).toBe(userTest);
  });
  it('the new field and relation reach the entity, the schemas and a new migration; shipped migrations stay', () => {
    expect(app.read(orders('order.entity.ts'))).toMatch(/note!: string \| null;[\s\S]*customerId!: string \| null;/);
    expect(app.read(orders('schemas.ts'))).toContain('customerId: Id.nullish()');
    expect(app.read('src/resources/migrations/2000000000003-change-orders.ts')).toContain("await queryRunner.addColumn('orders', column");
    expect(['2000000000001-create-customers.ts', '2000000000002-create-orders.ts'].map((f) => app.read(`src/resources/migrations/${f}`))).toEqual(shipped);
  });
  it('forge check finds nothing left to do', async () => {
    expect((await app.forge(['check'])).exitCode).toBe(0);
  });
  itStillWorks('after a field and a relation were added to a resource', () => app);
});
