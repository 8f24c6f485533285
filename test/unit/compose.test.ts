/**
 * docker-compose.yml, .env.example, src/config.ts and the files written are what the app's modules bring: a
 * fixture module forge has never heard of gets its own services, variables and files in, per database, and the
 * catalogue's `database:` decides what runs (SQLite: a volume and one replica; PostgreSQL: the service and roles).
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { GenerateError } from '../../src/errors.js';
import { composeServices } from '../../src/generator/compose.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { secretVariables } from '../../src/generator/module-config.js';
import { generate } from '../../src/generator/pipeline.js';
import { loadRegistry, type Registry } from '../../src/generator/registry.js';
import { resolve } from '../../src/generator/resolve.js';
import { fixtureModule, fixtureRegistry } from '../fixtures/registry.js';

interface Service {
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, unknown>;
  restart?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const fixtures = await loadRegistry(join(import.meta.dirname, '../fixtures/compose'));
const baseDir = join(import.meta.dirname, '../fixtures/upgrade/base');

async function app(registry: Registry, manifest: string, opts: { baseDir?: string } = {}) {
  const { tree } = await generate(parseManifest(manifest, registry), manifest, registry, opts);
  const compose = tree.exists('docker-compose.yml') ? (parse(tree.read('docker-compose.yml')) as Compose) : undefined;
  return { tree, compose };
}

describe('a module forge has never heard of brings its compose services, variables and files', () => {
  it('on SQLite: its services with the catalogue image, its variables on the app, its volumes declared', async () => {
    const { tree, compose } = await app(fixtures, 'name: shop\nmodules: []\n', { baseDir });
    expect(Object.keys(compose?.services ?? {})).toEqual(['app', 'vault']);
    const { app: service, vault } = compose?.services ?? {};
    expect(vault?.image).toBe('redis:7-alpine');
    expect(vault?.environment).toEqual({ VAULT_DEV_ROOT_TOKEN_ID: '${VAULT_TOKEN:?set VAULT_TOKEN in .env}' });
    // Its own variable, the address the vault sets (not the developer's .env), its fixed value over the default.
    expect(service?.environment).toEqual({ KIOSK_MODE: 'loud', KIOSK_SCREENS: '${KIOSK_SCREENS:-2}', VAULT_ADDR: 'http://vault:8200/sqlite' });
    expect(service?.depends_on).toEqual({ vault: { condition: 'service_healthy' } });
    expect(service?.restart).toBe('always');
    expect(compose?.volumes).toEqual({ 'vault-data': {} });
    expect(tree.read('.env.example')).toMatch(/^VAULT_TOKEN=$/m);
    expect(tree.read('src/config.ts')).toContain('KIOSK_MODE: z.enum([');
    expect(tree.exists('ops/vault/policy.hcl')).toBe(false);
  });

  it('on PostgreSQL: the services and files it brings for that database', async () => {
    const { tree, compose } = await app(fixtures, 'name: shop\ndatabase: postgres\nmodules: []\n', { baseDir });
    expect(Object.keys(compose?.services ?? {})).toEqual(['app', 'mirror', 'vault']);
    expect(compose?.services.mirror?.image).toBe('postgres:17-alpine');
    expect(compose?.services.app?.environment?.VAULT_ADDR).toBe('http://vault:8200/postgres');
    expect(compose?.volumes).toEqual({ 'mirror-data': {}, 'vault-data': {} });
    expect(tree.exists('ops/vault/policy.hcl')).toBe(true);
  });

  it('runs a service brought on request only when a module of the app uses it', async () => {
    const { compose } = await app(fixtures, 'name: shop\nmodules:\n  - name: ledger\n', { baseDir });
    expect(Object.keys(compose?.services ?? {})).toEqual(['app', 'spare', 'vault']);
    expect(compose?.services.spare?.image).toBe('grafana/grafana:12.2.1');
  });

  it("counts a compose service's secret among the variables a config key may not read", () => {
    expect(secretVariables(fixtures).get('VAULT_TOKEN')).toBe("docker-compose's vault service");
  });

  it('refuses a service two modules bring, and a use no module answers', () => {
    const twice = fixtureRegistry(fixtureModule('a', [], { compose: () => ({ db: { image: 'redis' } }) }), fixtureModule('b', [], { compose: () => ({ db: { image: 'redis' } }) }));
    const plan = resolve(parseManifest('name: x\nmodules:\n  - name: a\n  - name: b\n', twice), twice);
    expect(() => composeServices(plan)).toThrow(new GenerateError('compose-clash', 'docker-compose.yml', 'service db is brought by both a and b; each service belongs to one module'));
    const orphan = fixtureRegistry(fixtureModule('c', [], { composeUses: ['queue'] }));
    const lonely = resolve(parseManifest('name: x\nmodules:\n  - name: c\n', orphan), orphan);
    expect(() => composeServices(lonely)).toThrow('c uses the service queue, which no module of this app brings');
  });

  it('writes no docker-compose.yml when no module brings a service', async () => {
    const bare = fixtureRegistry(fixtureModule('plain'));
    const { tree } = await generate(parseManifest('name: x\nmodules:\n  - name: plain\n', bare), 'x', bare, { baseDir });
    expect(tree.exists('docker-compose.yml')).toBe(false);
    expect(tree.exists('.env.example')).toBe(true);
  });
});

describe('database: in the manifest', async () => {
  const real = await loadRegistry();

  it('sqlite: the app keeps its file on a volume, no PostgreSQL, no database URL, and the README says one replica', async () => {
    const { tree, compose } = await app(real, 'name: solo\nmodules: []\n');
    expect(Object.keys(compose?.services ?? {})).toEqual(['app']);
    const env = compose?.services.app?.environment ?? {};
    expect(env.SQLITE_PATH).toBe('/app/data/app.sqlite');
    expect(Object.keys(env).filter((name) => /DATABASE_URL|REDIS_URL|POSTGRES/.test(name))).toEqual([]);
    expect(compose?.services.app?.volumes).toEqual(['app-data:/app/data']);
    expect(compose?.volumes).toEqual({ 'app-data': {} });
    expect(tree.read('.env.example')).not.toMatch(/POSTGRES/);
    expect(tree.entries().map(([path]) => path).filter((path) => path.startsWith('ops/'))).toEqual([]);
    expect(tree.read('README.md')).toContain('**Run one replica only**');
    expect(tree.read('README.md')).not.toContain('ops/postgres/init');
    // The image's data folder belongs to the app's user, so a new volume mounted there does too.
    expect(tree.read('Dockerfile')).toMatch(/mkdir -p \/app\/data && chown node:node \/app\/data\nUSER node/);
  });

  it('sqlite: Redis runs when a module uses it, and only then', async () => {
    const { compose } = await app(real, 'name: solo\nmodules:\n  - name: auth\n');
    expect(Object.keys(compose?.services ?? {})).toEqual(['app', 'redis']);
    expect(compose?.services.app?.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(compose?.services.app?.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
  });

  it('postgres: the service, its roles and init script, both URLs and its passwords; no SQLite volume', async () => {
    const { tree, compose } = await app(real, 'name: many\ndatabase: postgres\nmodules: []\n');
    expect(Object.keys(compose?.services ?? {})).toEqual(['app', 'postgres']);
    const env = compose?.services.app?.environment ?? {};
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/app_runtime:/);
    expect(env.MIGRATION_DATABASE_URL).toMatch(/^postgres:\/\/app:/);
    expect(env.REDIS_URL).toBeUndefined();
    expect(compose?.services.app?.volumes).toBeUndefined();
    expect(compose?.volumes).toEqual({ 'postgres-data': {} });
    expect(tree.exists('ops/postgres/init/01-app-role.sh')).toBe(true);
    expect(tree.read('.env.example')).toMatch(/^POSTGRES_PASSWORD=$/m);
    expect(tree.read('README.md')).toContain('Database in production: **PostgreSQL**');
    expect(tree.read('README.md')).not.toContain('Run one replica only');
  });
});

describe('markers say where a file comes from', async () => {
  const real = await loadRegistry();
  const { tree } = await app(real, 'name: marks\nmodules:\n  - name: observability\n');
  const first = (path: string) => tree.read(path).split('\n')[0];

  it('a module file names its module; a base file none; a file every module feeds says so', () => {
    expect(first('src/modules/observability/index.ts')).toBe('// generated by forge from forge.yaml (module observability); your edits are kept on regeneration');
    expect(first('Dockerfile')).toBe('# generated by forge from forge.yaml; your edits are kept on regeneration');
    expect(first('src/main.ts')).toBe('// generated by forge from forge.yaml; your edits are kept on regeneration');
    for (const path of ['src/config.ts', '.env.example', 'docker-compose.yml']) expect(first(path)).toMatch(/^# |^\/\/ /);
    for (const path of ['src/config.ts', '.env.example', 'docker-compose.yml', 'README.md']) expect(first(path)).toContain('forge.yaml (every module);');
    expect(tree.entries().filter(([, content]) => content.includes('(module base)'))).toEqual([]);
  });
});
