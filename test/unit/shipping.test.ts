import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generator/pipeline.js';
import { loadRegistry } from '../../src/generator/registry.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { forgeRoot } from '../../src/paths.js';

interface Compose {
  services: { app: { environment: Record<string, string> }; postgres: { environment: Record<string, string>; volumes: string[] } };
}

/*
 * With row-level security, the app refuses to boot as the tables' owner: `docker compose up` only works if compose
 * migrates as the owner and serves as a role that its postgres service creates and that owns nothing.
 */
describe('docker-compose for a row-level-security app', async () => {
  const registry = await loadRegistry();
  const text = readFileSync(join(forgeRoot, 'examples', 'saas-postgres.yaml'), 'utf8');
  const { tree } = await generate(parseManifest(text, registry), text, registry);
  const compose = parse(tree.read('docker-compose.yml')) as Compose;
  const { app, postgres } = compose.services;
  const user = (url: string | undefined) => /^postgres:\/\/([^:@]+)/.exec(url ?? '')?.[1];

  it('migrates as the owner and serves as another role', () => {
    expect(user(app.environment.MIGRATION_DATABASE_URL)).toBe(postgres.environment.POSTGRES_USER);
    expect(user(app.environment.DATABASE_URL)).toBe('app_runtime');
  });

  it("creates that role, without superuser or BYPASSRLS, from an init script mounted into postgres' initdb", () => {
    const mount = postgres.volumes.find((volume) => volume.endsWith(':/docker-entrypoint-initdb.d:ro'));
    const folder = mount?.split(':')[0]?.replace(/^\.\//, '') ?? '';
    const scripts = tree.entries().filter(([path]) => path.startsWith(`${folder}/`));
    expect(scripts.map(([path]) => path)).toEqual(['ops/postgres/init/01-app-role.sh']);
    expect(scripts[0]?.[1]).toMatch(/CREATE ROLE app_runtime LOGIN PASSWORD :'app_password' NOSUPERUSER .*NOBYPASSRLS/);
    expect(postgres.environment.APP_DB_PASSWORD).toContain('POSTGRES_APP_PASSWORD');
    expect(tree.read('.env.example')).toMatch(/^POSTGRES_APP_PASSWORD=$/m);
  });
});

describe('Dockerfile and CI workflow', async () => {
  const registry = await loadRegistry();
  const text = 'name: pinned\nmodules: []\n';
  const { tree } = await generate(parseManifest(text, registry), text, registry);
  const dockerfile = tree.read('Dockerfile');
  const ci = parse(tree.read('.github/workflows/ci.yml')) as {
    jobs: { test: { strategy: { matrix: { node: string[] } }; steps: { run?: string; with?: Record<string, string> }[] } };
  };

  it('pins Node 24 below 24.19, where better-sqlite3 12 aborts', () => {
    const images = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(images).toEqual(['node:24.18.1-bookworm', 'node:24.18.1-bookworm-slim']);
    expect(ci.jobs.test.strategy.matrix.node).toContain('24.18.1');
    expect(ci.jobs.test.strategy.matrix.node).not.toContain('24');
  });

  it('installs without a lockfile (an app generated with --skip-install has none)', () => {
    const runs = ci.jobs.test.steps.map((step) => step.run ?? '');
    expect(runs.filter((run) => /\bnpm ci\b/.test(run))).toEqual(['if [ -f package-lock.json ]; then npm ci; else npm install; fi']);
    expect(ci.jobs.test.steps.find((step) => step.with?.cache === 'npm')?.with?.['cache-dependency-path']).toBe('package.json');
    expect(dockerfile).toContain('RUN if [ -f package-lock.json ]; then npm ci; else npm install; fi');
    expect(dockerfile).not.toMatch(/^RUN npm ci$/m);
  });
});
