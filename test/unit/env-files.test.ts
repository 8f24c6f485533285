/**
 * Manifest values land in .env.example and docker-compose.yml as variable defaults. Those files are parsed
 * here the way the app (Node's util.parseEnv, the parser behind process.loadEnvFile) and compose (YAML) read
 * them: a value either means exactly itself there, or it is refused when the manifest is loaded.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { commitNew } from '../../src/generator/commit.js';
import { generate } from '../../src/generator/pipeline.js';
import { loadRegistry } from '../../src/generator/registry.js';
import { writeLocalEnv } from '../../src/cli/tasks.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { fixtureModule, fixtureRegistry } from '../fixtures/registry.js';
import { manifestProblems } from './manifest-problems.js';

const registry = await loadRegistry();
const withAuth = (config: string) => `name: app\nmodules:\n  - name: core\n    config:\n      cors_origins: [https://a.example]\n  - name: auth\n    config:\n${config}`;

const problemsOf = (text: string) => manifestProblems(text, registry);

describe('values env files cannot hold are refused where they are written', () => {
  const why = 'which .env.example and docker-compose.yml cannot hold as plain text (Node, docker and docker compose read them differently); set such a value in the environment through a ${VAR} reference';
  it.each([
    ['a newline that would add a variable', '      jwt_issuer: "iss\\nAPP_SECRET=x"\n', '8:19 modules[1].config.jwt_issuer: contains a line break'],
    ['a "#" that ends the value for Node', '      jwt_issuer: "iss #x"\n', '8:19 modules[1].config.jwt_issuer: contains "#"'],
    ['a "$" that compose expands', '      jwt_issuer: "a$APP_SECRET"\n', '8:19 modules[1].config.jwt_issuer: contains "$"'],
    ['a "}" that ends a compose default', '      jwt_issuer: "a}b"\n', '8:19 modules[1].config.jwt_issuer: contains "}"'],
    ['a leading quote', `      jwt_issuer: "'quoted'"\n`, '8:19 modules[1].config.jwt_issuer: contains a leading quote'],
    ['a "}" in a ${VAR:-default}', '      jwt_issuer: ${ISS:-a}b}\n', '8:19 modules[1].config.jwt_issuer: contains "}"'],
    ['a newline in a ${VAR:-default}', '      jwt_issuer: "${ISS:-a\\nAPP_SECRET=x}"\n', '8:19 modules[1].config.jwt_issuer: contains a line break'],
  ])('%s', (_, config, expected) => {
    expect(problemsOf(withAuth(config))).toEqual([`forge.yaml:${expected}, ${why}`]);
  });

  it('a comma inside a list item, which the app would split into two', () => {
    const text = 'name: app\nmodules:\n  - name: core\n    config:\n      cors_origins: ["https://a.example", "https://b.example,https://evil.example"]\n';
    expect(problemsOf(text)).toEqual([`forge.yaml:5:43 modules[0].config.cors_origins[1]: contains ",", ${why}`]);
  });
});

describe('values they can hold mean exactly themselves', () => {
  it('reads back the same from .env.example, docker-compose.yml and the local .env', async () => {
    const issuer = `Acme's "API" {v2 \\ café`;
    // On PostgreSQL, so compose also holds the database URLs and passwords it sets.
    const text = withAuth(`      jwt_issuer: ${JSON.stringify(issuer)}\n      jwt_audience: \${AUDIENCE:-aud {x}\n`).replace('name: app\n', 'name: app\ndatabase: postgres\n');
    const generated = await generate(parseManifest(text, registry), text, registry);
    const { tree, env } = generated;

    const example = parseEnv(tree.read('.env.example'));
    expect(example.AUTH_JWT_ISSUER).toBe(issuer);
    expect(example.AUDIENCE).toBe('aud {x');
    expect(example.APP_SECRET).toBe('');
    // Every line is a comment, a blank or one variable: nothing a value could have added.
    const names = tree.read('.env.example').split('\n').filter((l) => /^[A-Z]/.test(l)).map((l) => l.slice(0, l.indexOf('=')));
    expect(Object.keys(example).sort()).toEqual([...names].sort());
    expect(names.filter((n) => !env.some((v) => v.name === n) && !['POSTGRES_PASSWORD', 'POSTGRES_APP_PASSWORD', 'GRAFANA_ADMIN_PASSWORD'].includes(n))).toEqual([]);

    const compose = parse(tree.read('docker-compose.yml')) as { services: { app: { environment: Record<string, string> } } };
    expect(compose.services.app.environment.AUTH_JWT_ISSUER).toBe(`\${AUTH_JWT_ISSUER:-${issuer}}`);
    expect(compose.services.app.environment.AUDIENCE).toBe('${AUDIENCE:-aud {x}');
    for (const value of Object.values(compose.services.app.environment)) {
      // One reference at most, and its default holds no "$" or "}" that compose would read as syntax.
      expect(String(value)).toMatch(/^(?:[^$]*|\$\{[A-Z0-9_]+(?::-[^$}]*|:\?[^$}]*)\}|postgres:\/\/(?:app:\$\{POSTGRES_PASSWORD|app_runtime:\$\{POSTGRES_APP_PASSWORD):\?[^$}]*\}@postgres:5432\/app)$/);
    }

    const dir = join(mkdtempSync(join(tmpdir(), 'forge-env-')), 'app');
    commitNew(dir, tree.entries());
    writeLocalEnv(dir, generated);
    const local = parseEnv(readFileSync(join(dir, '.env'), 'utf8'));
    expect(Object.keys(local).sort()).toEqual(['APP_SECRET', 'AUTH_JWT_SECRET', 'ENCRYPTION_KEYS', 'POSTGRES_APP_PASSWORD', 'POSTGRES_PASSWORD']);
    expect(local.ENCRYPTION_KEYS).toMatch(/^1:[A-Za-z0-9+/]{43}=$/);
  });
});

describe('a module default env files cannot hold', () => {
  it('stops the generator instead of being written', async () => {
    const core = fixtureModule('core', [], { alwaysIncluded: true, env: [{ name: 'CORE_BANNER', kind: 'string', default: 'hello # world', description: 'banner' }] });
    const fixtures = fixtureRegistry(core);
    const text = 'name: app\n';
    await expect(generate(parseManifest(text, fixtures), text, fixtures, { baseDir: join(import.meta.dirname, '../fixtures/escape/base') })).rejects.toThrow(
      '.env.example: the default of CORE_BANNER contains "#", which env files cannot hold as is',
    );
  });
});
