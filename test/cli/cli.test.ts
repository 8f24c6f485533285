import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { commitChanges } from '../../src/generator/journal.js';
import { regenerate } from '../../src/generator/regenerate.js';
import { loadRegistry } from '../../src/generator/registry.js';

const forgeBin = join(import.meta.dirname, '../../bin/forge.js');
const examples = join(import.meta.dirname, '../../examples');
const scratch = () => mkdtempSync(join(tmpdir(), 'forge-cli-'));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Runs the real, built binary; never throws, returns exit code and output. */
async function forge(args: string[], cwd = scratch(), input?: string) {
  const r = await execa('node', [forgeBin, ...args], { cwd, reject: false, env: { NO_COLOR: '1' }, input: input ?? '' });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr, cwd };
}

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files[full.slice(dir.length + 1)] = readFileSync(full, 'utf8');
  }
  return files;
}

// Every test works in its own scratch folder, and nearly all of the time goes to starting forge processes: run
// them side by side.
describe.concurrent('forge --help and exit codes', () => {
  it('documents the exit codes', async () => {
    const r = await forge(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2  bad input: manifest, flags or target directory');
  });

  it('exits 2 on an unknown flag', async () => {
    expect((await forge(['new', '--frobnicate'])).code).toBe(2);
  });
});

describe.concurrent('forge modules / info / graph / validate', () => {
  it('lists all seventeen modules as JSON', async () => {
    const r = await forge(['modules', '--json']);
    const list = JSON.parse(r.stdout) as { name: string; status: string }[];
    expect(list).toHaveLength(17);
    expect(list.find((m) => m.name === 'core')?.status).toBe('implemented');
  });

  it('describes a module and suggests a name for a typo', async () => {
    const info = JSON.parse((await forge(['info', 'core', '--json'])).stdout) as { config: { key: string }[] };
    expect(info.config.map((k) => k.key)).toContain('rate_limit_points');
    const typo = await forge(['info', 'cor']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown module 'cor' (did you mean 'core'?)");
  });

  it('prints the graph as text', async () => {
    const r = await forge(['graph', '--format', 'text']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(17);
    expect(lines).toContain('billing → core, auth');
    expect(lines).toContain('core');
    expect((await forge(['graph'])).stdout).toBe(r.stdout);
  });

  it('colours output only when allowed: --no-color wins over FORCE_COLOR', async () => {
    const run = (args: string[]) =>
      execa(process.execPath, [forgeBin, ...args], { reject: false, extendEnv: false, env: { PATH: process.env.PATH ?? '', FORCE_COLOR: '1' } });
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect((await run(['modules'])).stdout).toMatch(ansi);
    for (const args of [['--no-color', 'modules'], ['modules', '--no-color']]) {
      const r = await run(args);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('core');
      expect(r.stdout).not.toMatch(ansi);
    }
    const failed = await run(['--no-color', 'info', 'quantum']);
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr).toBe("unknown module 'quantum'");
  });

  it('prints the graph as mermaid and dot', async () => {
    expect((await forge(['graph', '--format', 'mermaid'])).stdout).toContain('  billing --> auth');
    expect((await forge(['graph', '--format', 'dot'])).stdout).toContain('"hybrid_deployment" -> "edge_deployment";');
    expect((await forge(['graph', '--format', 'png'])).code).toBe(2);
  });

  it('validates a manifest: 0 when good, 2 with positioned problems as text and JSON', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'forge.yaml'), 'name: shop\nmodules:\n  - name: core\n    config:\n      rate_limit_points: many\n');
    const bad = await forge(['validate'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('forge.yaml:5:26 modules[0].config.rate_limit_points: expected number, received string');
    const badJson = await forge(['validate', '--json'], dir);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toBe('');
    expect(JSON.parse(badJson.stdout)).toMatchObject({ valid: false, error: { code: 'manifest-invalid' }, problems: [{ line: 5, column: 26 }] });
    expect((await forge(['validate', join(examples, 'minimal.yaml')])).code).toBe(0);
  });

  it('validates resources: their problems positioned, and the resources a good manifest declares', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'forge.yaml'), 'name: shop\nresources:\n  orders:\n    fields: { total: { type: decimal, precision: 10, scale: 2 } }\n    sortable: [totl]\n');
    const bad = await forge(['validate'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("forge.yaml:5:16 resources.orders.sortable[0]: no field 'totl' (did you mean 'total'?)");
    const good = await forge(['validate', '--json', join(examples, 'project-tracker.yaml')]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ valid: true, resources: [{ name: 'countries' }, { name: 'people' }, { name: 'projects' }, { name: 'tasks', fields: 6, relations: 3 }, { name: 'labels' }] });
  });
});

describe.concurrent('forge new', () => {
  it('needs a manifest or modules when not run in a terminal', async () => {
    const r = await forge(['new', 'app']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('forge new needs --manifest <file> or --modules <list>');
  });

  it('generates and adds a module to an untouched project without loading ts-morph (~0.45 s, ~95 MiB)', async () => {
    const refuse = join(import.meta.dirname, '../fixtures/no-ts-morph/refuse.mjs');
    const run = (args: string[], cwd: string) => execa('node', ['--import', refuse, forgeBin, ...args], { cwd, reject: false, env: { NO_COLOR: '1' } });
    const dir = scratch();
    const made = await run(['new', 'app', '--manifest', join(examples, 'minimal.yaml'), '--skip-install', '--skip-git'], dir);
    expect(made.exitCode, made.stderr).toBe(0);
    const added = await run(['add-module', 'auth', 'observability', '--skip-install'], join(dir, 'app'));
    expect(added.exitCode, added.stderr).toBe(0);
    expect(readFileSync(join(dir, 'app/src/modules.ts'), 'utf8')).toContain('[coreModule, authModule, observabilityModule]');
    // The hook really refuses: a project whose src/modules.ts the user edited needs the AST edit, and fails here.
    writeFileSync(join(dir, 'app/src/modules.ts'), readFileSync(join(dir, 'app/src/modules.ts'), 'utf8').replace('[coreModule,', '[\n  // mine\n  coreModule,'));
    const removed = await run(['remove-module', 'observability', '--skip-install'], join(dir, 'app'));
    expect(removed.stderr).toContain('ts-morph was loaded');
  });

  it('refuses a non-empty target without --force', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app/keep.txt'), 'x');
    const r = await forge(['new', 'app', '--modules', '', '--skip-install', '--skip-git'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('app is not empty');
  });

  it('--force never writes through a folder that links out of the target', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'outside'));
    mkdirSync(join(dir, 'app'));
    symlinkSync('../outside', join(dir, 'app/src'));
    const r = await forge(['new', 'app', '--manifest', join(examples, 'minimal.yaml'), '--force', '--skip-install', '--skip-git'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^src in .*app is a symbolic link to .*\/outside, outside the project; forge does not write through it/);
    expect(readdirSync(join(dir, 'outside'))).toEqual([]);
    expect(readdirSync(join(dir, 'app'))).toEqual(['src']);
    expect(readdirSync(dir).sort()).toEqual(['app', 'outside']);
  });

  it('writes nothing on a dry run', async () => {
    const r = await forge(['new', 'app', '--manifest', join(examples, 'minimal.yaml'), '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CREATE app/src/config.ts');
    expect(r.stdout).toContain('no changes were made');
    expect(readdirSync(r.cwd)).toEqual([]);
  });

  it('names --modules, not a line of a file the user never wrote, in its errors', async () => {
    const r = await forge(['new', 'app', '--modules', 'auth,biling', '--skip-install', '--skip-git']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("--modules modules[1].name: unknown module 'biling' (did you mean 'billing'?); `forge modules` lists them");
  });

  it('leaves no directory behind when the manifest is bad', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bad.yaml'), 'name: app\nmodules:\n  - name: telemetry\n');
    const r = await forge(['new', 'app', '--manifest', 'bad.yaml', '--skip-install', '--skip-git'], dir);
    expect(r.code).toBe(2);
    expect(readdirSync(dir)).toEqual(['bad.yaml']);
  });

  it('records in .forge/lock.json the forge version, the manifest hash, the modules and a hash per file', async () => {
    const r = await forge(['new', 'app', '--manifest', join(examples, 'observed.yaml'), '--skip-install', '--skip-git']);
    expect(r.code).toBe(0);
    const app = join(r.cwd, 'app');
    const lock = JSON.parse(readFileSync(join(app, '.forge/lock.json'), 'utf8')) as { forgeVersion: string; manifestHash: string; modules: string[]; files: Record<string, string> };
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(lock.forgeVersion).toBe(pkg.version);
    // The manifest the app keeps: the example with the line that points an editor at its schema.
    expect(lock.manifestHash).toBe(sha256(`# yaml-language-server: $schema=.forge/forge.schema.json\n${readFileSync(join(examples, 'observed.yaml'), 'utf8')}`));
    expect(lock.modules).toEqual(['core', 'observability']);
    // Every file forge generated, and nothing else: not the lock itself, its own bookkeeping, the manifest or the local secrets.
    const onDisk = Object.keys(snapshot(app)).filter((p) => !['.forge/lock.json', '.forge/generated.json', 'forge.yaml', '.env'].includes(p));
    expect(Object.keys(lock.files).sort()).toEqual(onDisk.sort());
    for (const [path, hash] of Object.entries(lock.files)) expect([path, sha256(readFileSync(join(app, path), 'utf8'))]).toEqual([path, hash]);
  });

  it('is deterministic: the same manifest gives byte-identical projects, secrets only in the local .env', async () => {
    const a = await forge(['new', 'app', '--manifest', join(examples, 'minimal.yaml'), '--skip-install', '--skip-git']);
    const b = await forge(['new', 'app', '--manifest', join(examples, 'minimal.yaml'), '--skip-install', '--skip-git']);
    expect(a.code).toBe(0);
    const [sa, sb] = [snapshot(join(a.cwd, 'app')), snapshot(join(b.cwd, 'app'))];
    const env = sa['.env'] ?? '';
    expect(env).toMatch(/^APP_SECRET=\S{40,}$/m);
    expect(statSync(join(a.cwd, 'app/.env')).mode & 0o777).toBe(0o600);
    delete sa['.env'];
    delete sb['.env'];
    expect(sa).toEqual(sb);
    const secret = /^APP_SECRET=(\S+)$/m.exec(env)?.[1] ?? 'missing';
    expect(Object.values(sa).some((content) => content.includes(secret))).toBe(false);
  });
});

describe.concurrent('forge check and generate', () => {
  it('is clean right after new, exits 1 on drift, and generate brings it back', async () => {
    const made = await forge(['new', 'app', '--manifest', join(examples, 'minimal.yaml'), '--skip-install', '--skip-git']);
    const app = join(made.cwd, 'app');
    expect((await forge(['check'], app)).code).toBe(0);

    writeFileSync(join(app, 'forge.yaml'), readFileSync(join(app, 'forge.yaml'), 'utf8').replace('modules: []', 'modules:\n  - name: core\n    config:\n      rate_limit_points: 7\n'));
    const drift = await forge(['check', '--json'], app);
    expect(drift.code).toBe(1);
    expect(JSON.parse(drift.stdout)).toMatchObject({ upToDate: false, changes: expect.arrayContaining([{ kind: 'update', path: '.env.example' }]) });

    const dry = await forge(['generate', '--dry-run'], app);
    expect(dry.stdout).toContain('+CORE_RATE_LIMIT_POINTS=7');
    expect((await forge(['check'], app)).code).toBe(1);

    expect((await forge(['generate'], app)).code).toBe(0);
    expect((await forge(['check'], app)).code).toBe(0);
    const config = readFileSync(join(app, 'src/config.ts'), 'utf8');
    expect(config).toContain('CORE_RATE_LIMIT_POINTS: z.coerce.number().int().min(1).default(7)');
    // The manifest schema's bounds hold for environment overrides too.
    expect(config).toContain('CORE_BODY_LIMIT_KB: z.coerce.number().int().min(1).max(10240).default(100)');
  });
});

describe.concurrent('a regeneration cut short', () => {
  it('leaves a journal that the next command rolls back: every file as it was before', async () => {
    const made = await forge(['new', 'app', '--modules', '', '--skip-install', '--skip-git']);
    const app = join(made.cwd, 'app');
    writeFileSync(join(app, 'forge.yaml'), readFileSync(join(app, 'forge.yaml'), 'utf8').replace('modules: []', 'modules:\n  - name: observability\n'));
    const before = snapshot(app);
    const crashed = join(scratch(), 'app');
    const { changes } = await regenerate(app, await loadRegistry());
    let renames = 0;
    // A process killed after three files were put in place: the folder as it is at that moment.
    const killedAfterThree = (from: string, to: string) => {
      if (renames++ === 3) {
        cpSync(app, crashed, { recursive: true });
        throw new Error('killed');
      }
      renameSync(from, to);
    };
    expect(() => commitChanges(app, changes, { rename: killedAfterThree })).toThrow('killed');
    expect(snapshot(crashed)).not.toEqual(before);

    const next = await forge(['check'], crashed);
    expect(next.stderr).toContain('An earlier forge run stopped while writing');
    expect(next.code).toBe(1); // forge.yaml still asks for observability
    expect(snapshot(crashed)).toEqual(before);
    expect((await forge(['generate'], crashed)).code).toBe(0);
    expect((await forge(['check'], crashed)).code).toBe(0);
  });
});

describe.concurrent('the CI recipe in README', () => {
  it('npm exec --no runs the forge installed in the project, and refuses rather than fetch the npm package named forge', async () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain('- run: npm exec --no -- forge check --json');
    expect(readme).not.toMatch(/run: npx forge/);
    const made = await forge(['new', 'app', '--modules', '', '--skip-install', '--skip-git']);
    const app = join(made.cwd, 'app');
    const run = () => execa('npm', ['exec', '--no', '--', 'forge', 'check', '--json'], { cwd: app, reject: false, env: { NO_COLOR: '1' } });
    expect((await run()).exitCode).not.toBe(0); // not installed: no download, a failure
    // What `npm install -D <forge tarball>` leaves: the package and its bin link.
    mkdirSync(join(app, 'node_modules/.bin'), { recursive: true });
    symlinkSync(join(import.meta.dirname, '../..'), join(app, 'node_modules/platform-forge'));
    symlinkSync('../platform-forge/bin/forge.js', join(app, 'node_modules/.bin/forge'));
    const installed = await run();
    expect(installed.exitCode, installed.stderr).toBe(0);
    expect(JSON.parse(installed.stdout)).toMatchObject({ upToDate: true });
  });
});

describe.concurrent('commands run in a folder that is not a forge project', () => {
  it.each(['check', 'generate', 'add-module auth --skip-install', 'remove-module auth --skip-install'])('forge %s exits 2 with a clear message', async (command) => {
    const r = await forge(command.split(' '));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('forge.yaml: no such file: this folder is not a forge project (`forge new` creates one; --dir points to one)');
  });

  it('check --json and info --json report a failure as a JSON object on stdout, not as text', async () => {
    const check = await forge(['check', '--json']);
    expect(check.code).toBe(2);
    expect(check.stderr).toBe('');
    expect(JSON.parse(check.stdout)).toEqual({
      error: { code: 'manifest-missing', message: expect.stringContaining('forge.yaml: no such file') },
      problems: [{ file: 'forge.yaml', message: expect.stringContaining('is not a forge project') }],
    });
    const info = await forge(['info', 'quantum', '--json']);
    expect(info.code).toBe(2);
    expect(info.stderr).toBe('');
    expect(JSON.parse(info.stdout)).toEqual({ error: { code: 'unknown-module', message: "unknown module 'quantum'" }, problems: [{ message: "unknown module 'quantum'" }] });
  });

  it('add-module and remove-module read forge.yaml through the same checks as every command', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'forge.yaml'), `name: a\n#${'x'.repeat(1024 * 1024)}\n`);
    for (const args of [['add-module', 'auth'], ['remove-module', 'auth']]) {
      const r = await forge([...args, '--skip-install'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^forge\.yaml: is \d+ bytes; a manifest may be at most 1 MiB$/);
    }
    writeFileSync(join(dir, 'forge.yaml'), Buffer.from([0x6e, 0x61, 0, 0x3a]));
    const binary = await forge(['add-module', 'auth', '--skip-install'], dir);
    expect(binary.code).toBe(2);
    expect(binary.stderr).toBe('forge.yaml: is not a text file');
  });
});

describe.concurrent('forge add-module and remove-module', () => {
  async function fresh() {
    const made = await forge(['new', 'app', '--manifest', join(examples, 'minimal.yaml'), '--skip-install', '--skip-git']);
    return join(made.cwd, 'app');
  }

  it('adds config through --config, keeps the manifest comments, regenerates', async () => {
    const app = await fresh();
    const r = await forge(['add-module', 'core', '--config', 'rate_limit_points=5', '--skip-install'], app);
    expect(r.code).toBe(0);
    const manifest = readFileSync(join(app, 'forge.yaml'), 'utf8');
    expect(manifest).toContain('# The smallest app: core only, on SQLite.');
    expect(manifest).toContain('rate_limit_points: 5');
    expect(readFileSync(join(app, '.env.example'), 'utf8')).toContain('CORE_RATE_LIMIT_POINTS=5');
    expect((await forge(['check'], app)).code).toBe(0);
  });

  it("keeps a section the user appended to README.md when add-module brings the module's own, with no conflict", async () => {
    const made = await forge(['new', 'app', '--modules', 'auth', '--skip-install', '--skip-git']);
    const app = join(made.cwd, 'app');
    const notes = '## Notes of our team\n\nDeploys go out on Tuesdays.\n';
    writeFileSync(join(app, 'README.md'), `${readFileSync(join(app, 'README.md'), 'utf8')}\n${notes}`);
    const added = await forge(['add-module', 'observability', '--skip-install'], app);
    expect(added.code, added.stdout + added.stderr).toBe(0);
    const text = readFileSync(join(app, 'README.md'), 'utf8');
    expect(text).not.toContain('<<<<<<<');
    expect(text).toContain('### observability');
    expect(text.endsWith(notes)).toBe(true);
    expect(text.indexOf('### observability')).toBeLessThan(text.indexOf(notes));
    expect((await forge(['check'], app)).code).toBe(0);
  });

  it('adds and removes observability: fresh values for its new secrets land in .env, lines already there stay', async () => {
    const app = await fresh();
    const env = () => readFileSync(join(app, '.env'), 'utf8');
    const mine = env().replace(/^APP_SECRET=.*$/m, 'APP_SECRET=my-own-app-secret-of-at-least-32-chars').concat('# my note\nMETRICS_TOKEN_NOTE=kept\n');
    writeFileSync(join(app, '.env'), mine);
    const added = await forge(['add-module', 'observability', '--skip-install'], app);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('.env: added fresh METRICS_TOKEN, GRAFANA_ADMIN_PASSWORD');
    expect(env().startsWith(mine)).toBe(true);
    expect(env()).toMatch(/^METRICS_TOKEN=[\w-]{43}$/m);
    expect(env()).toMatch(/^GRAFANA_ADMIN_PASSWORD=[\w-]{43}$/m);
    expect(readFileSync(join(app, 'docker-compose.yml'), 'utf8')).toContain('${GRAFANA_ADMIN_PASSWORD:?');

    const withSecrets = env();
    const removed = await forge(['remove-module', 'observability', '--skip-install'], app);
    expect(removed.code, removed.stderr).toBe(0);
    expect(env()).toBe(withSecrets);
    // Added again: the values the user already has are kept, never replaced or written twice.
    expect((await forge(['add-module', 'observability', '--skip-install'], app)).code).toBe(0);
    expect(env()).toBe(withSecrets);
  });

  it('when forge.yaml gains observability by hand, then forge generate adds its secrets to .env; a secret deleted on purpose stays deleted', async () => {
    const app = await fresh();
    const env = () => readFileSync(join(app, '.env'), 'utf8');
    writeFileSync(join(app, 'forge.yaml'), `${readFileSync(join(app, 'forge.yaml'), 'utf8').replace(/modules:.*\n[\s\S]*$/, '')}modules:\n  - name: observability\n`);
    const generated = await forge(['generate'], app);
    expect(generated.code, generated.stdout + generated.stderr).toBe(0);
    expect(env()).toMatch(/^METRICS_TOKEN=[\w-]{43}$/m);
    writeFileSync(join(app, '.env'), env().replace(/^METRICS_TOKEN=.*\n/m, ''));
    const again = await forge(['generate'], app);
    expect(again.code).toBe(0);
    expect(env()).not.toContain('METRICS_TOKEN=');
  });

  it('when database: turns from sqlite to postgres, then forge generate brings the PostgreSQL service, its init script and passwords; back, it takes them away', async () => {
    const app = await fresh();
    const compose = () => readFileSync(join(app, 'docker-compose.yml'), 'utf8');
    const manifest = readFileSync(join(app, 'forge.yaml'), 'utf8');
    expect(compose()).toContain('app-data:/app/data');
    expect(compose()).not.toMatch(/postgres|DATABASE_URL/);
    writeFileSync(join(app, 'forge.yaml'), manifest.replace('database: sqlite', 'database: postgres'));
    const toPostgres = await forge(['generate'], app);
    expect(toPostgres.code, toPostgres.stdout + toPostgres.stderr).toBe(0);
    expect(toPostgres.stdout).toContain('.env: added fresh POSTGRES_PASSWORD, POSTGRES_APP_PASSWORD');
    expect(compose()).toMatch(/DATABASE_URL: postgres:\/\/app_runtime:/);
    expect(compose()).not.toContain('app-data');
    expect(existsSync(join(app, 'ops/postgres/init/01-app-role.sh'))).toBe(true);
    expect(readFileSync(join(app, 'README.md'), 'utf8')).toContain('Database in production: **PostgreSQL**');
    writeFileSync(join(app, 'forge.yaml'), manifest);
    const back = await forge(['generate'], app);
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(compose()).not.toMatch(/postgres|DATABASE_URL/);
    expect(existsSync(join(app, 'ops/postgres'))).toBe(false);
  });

  it('refuses a planned module and a bad config value, and changes nothing', async () => {
    const app = await fresh();
    const before = snapshot(app);
    const planned = await forge(['add-module', 'telemetry', '--skip-install'], app);
    expect(planned.code).toBe(2);
    expect(planned.stderr).toContain("module 'telemetry' is not implemented yet");
    const bad = await forge(['add-module', 'core', '--config', 'rate_limit_pionts=5', '--skip-install'], app);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown key (did you mean 'rate_limit_points'?)");
    expect(snapshot(app)).toEqual(before);
  });

  it('refuses to remove core, and a module that is not listed', async () => {
    const app = await fresh();
    await forge(['add-module', 'core', '--skip-install'], app);
    const core = await forge(['remove-module', 'core', '--skip-install'], app);
    expect(core.code).toBe(2);
    expect(core.stderr).toContain('core is part of every app and cannot be removed');
    const absent = await forge(['remove-module', 'billing', '--skip-install'], app);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain('billing is not listed in');
  });
});
