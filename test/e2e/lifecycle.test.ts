/**
 * The lifecycle matrix on real generated apps: a file in each state (untouched, edited apart from forge's
 * change, edited on it, deleted, added by the user) × each way a project changes (regenerate, add-module,
 * remove-module, upgrade) — 20 cells, one `it` each. Each action gets its own app with all five states set up
 * at once; after the action (and the user resolving the conflict it marked) the app type-checks and passes its
 * own tests, once per action to keep the run short.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLocalEnv } from '../../src/cli/tasks.js';
import { commitChanges } from '../../src/generator/journal.js';
import { createProject } from '../../src/generator/pipeline.js';
import { regenerate } from '../../src/generator/regenerate.js';
import { createRegistry, loadRegistry, type Registry } from '../../src/generator/registry.js';
import { parseManifest } from '../../src/manifest/load.js';
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
    app.edit('README.md', (s) => `${s}\n## Our own notes\n`); // edited where add-module appends its section
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
  });
  it('edited on the change: marked, listed, exit 1', () => {
    expect(added.exitCode, added.stdout + added.stderr).toBe(1);
    expect(added.stdout).toMatch(/CONFLICT README\.md/);
    expect(app.read('README.md')).toMatch(/<<<<<<< yours\n[\s\S]*## Our own notes\n=======\n[\s\S]*### observability[\s\S]*>>>>>>> forge\n/);
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

describe.skipIf(skip).sequential('upgrade: the widget fixture module from v1 to v2 (test/fixtures/upgrade) in a real app', () => {
  const fixtures = join(import.meta.dirname, '../fixtures/upgrade');
  const withWidget = async (version: string): Promise<Registry> => {
    const [real, fixture] = await Promise.all([loadRegistry(), loadRegistry(join(fixtures, version))]);
    return createRegistry([...real.values(), ...fixture.values()]);
  };
  const widget = (file: string) => `src/modules/widget/${file}`;
  let app: App;
  let changes: Record<string, string>;
  beforeAll(async () => {
    const v1 = await withWidget('v1');
    const text = 'name: app\nmodules:\n  - name: widget\n';
    app = new App(join(mkdtempSync(join(tmpdir(), 'forge-e2e-lifecycle-')), 'app'));
    const { generated } = await createProject(app.dir, parseManifest(text, v1), text, v1);
    writeLocalEnv(app.dir, generated);
    linkNodeModules(app.dir, await sharedNodeModules((l) => console.log(l)));
    app.edit(widget('service.ts'), (s) => s.replace('// widget service\n', '// widget service\n// my note\n')); // edited apart
    app.edit(widget('legacy-edited.ts'), (s) => `${s}// still mine\n`); // edited, and gone from v2
    app.edit(widget('settings.ts'), (s) => s.replace('10', '15')); // edited on v2's change
    rmSync(join(app.dir, widget('notes.md'))); // deleted, though v2 changes it
    app.write(widget('mine.ts'), "export { answer } from './service.js';\n"); // added
    const planned = await regenerate(app.dir, await withWidget('v2'));
    commitChanges(app.dir, planned.changes);
    changes = Object.fromEntries(planned.changes.map((c) => [c.path, c.kind]));
  });

  it("untouched: v2's version arrives, files v2 dropped go", () => {
    expect(changes).toMatchObject({ [widget('added-in-v2.ts')]: 'create', [widget('legacy.ts')]: 'delete' });
    expect(app.exists(widget('legacy.ts'))).toBe(false);
  });
  it("edited apart from v2's change: merged", () => {
    expect(changes[widget('service.ts')]).toBe('merge');
    expect(app.read(widget('service.ts'))).toMatch(/return 2;[\s\S]*\/\/ my note\n[\s\S]*version = 2;/);
    expect(changes[widget('legacy-edited.ts')]).toBe('keep-orphan');
    expect(app.read(widget('legacy-edited.ts'))).toContain('// still mine');
  });
  it("edited on v2's change: marked", () => {
    expect(changes[widget('settings.ts')]).toBe('conflict');
    expect(app.read(widget('settings.ts'))).toContain('<<<<<<< yours\nexport const limit = 15;\n=======\nexport const limit = 20;\n>>>>>>> forge\n');
  });
  it('deleted: stays deleted, reported once', async () => {
    expect(changes[widget('notes.md')]).toBe('keep-deleted');
    app.resolve(widget('settings.ts'), 'yours');
    const again = await regenerate(app.dir, await withWidget('v2'));
    expect(again.changes.filter((c) => c.kind !== 'keep-edit')).toEqual([]);
    expect(app.exists(widget('notes.md'))).toBe(false);
  });
  it('added by the user: never touched', () => {
    expect(changes[widget('mine.ts')]).toBeUndefined();
    expect(app.read(widget('mine.ts'))).toBe("export { answer } from './service.js';\n");
  });
  itStillWorks('after the upgrade', () => app);
});
