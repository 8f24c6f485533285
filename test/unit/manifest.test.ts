import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseManifest, readManifest } from '../../src/generator/manifest.js';
import { didYouMean } from '../../src/manifest/suggest.js';
import { fixtureModule, fixtureRegistry } from '../fixtures/registry.js';
import { manifestProblems } from './manifest-problems.js';

const registry = fixtureRegistry(
  fixtureModule('core', [], { alwaysIncluded: true }),
  fixtureModule('auth', ['core'], {
    config: z
      .object({
        session_timeout: z.number().int().min(60).default(3600).describe('seconds'),
        mfa_required: z.boolean().default(false).describe('mfa'),
        registration: z.enum(['open', 'invite', 'closed']).default('open').describe('who may register'),
        jwt_secret: z.string().min(32).default('x'.repeat(32)).describe('secret'),
        providers: z.array(z.string()).default([]).describe('providers'),
      })
      .strict(),
  }),
  fixtureModule('billing', ['core', 'auth'], {
    config: z.object({ alert_threshold: z.number().default(1).describe('written into files') }).strict(),
    generateOnly: ['alert_threshold'],
  }),
  fixtureModule('telemetry', ['core'], { status: 'planned' }),
);

const problemsOf = (text: string) => manifestProblems(text, registry);

describe('manifest errors: every problem at once, with file:line:col and path', () => {
  const cases: [string, string, string[]][] = [
    ['unknown module with suggestion', 'name: a\nmodules:\n  - name: biling\n', ["forge.yaml:3:11 modules[0].name: unknown module 'biling' (did you mean 'billing'?); `forge modules` lists them"]],
    ['unknown module without suggestion', 'name: a\nmodules:\n  - name: quantum\n', ["forge.yaml:3:11 modules[0].name: unknown module 'quantum'; `forge modules` lists them"]],
    ['duplicate module', 'name: a\nmodules:\n  - name: auth\n  - name: auth\n', ["forge.yaml:4:11 modules[1].name: module 'auth' is listed twice (also modules[0])"]],
    ['planned module', 'name: a\nmodules:\n  - name: telemetry\n', ["forge.yaml:3:11 modules[0].name: module 'telemetry' is not implemented yet (planned); `forge modules` shows what is available"]],
    ['wrong type in config', 'name: a\nmodules:\n  - name: auth\n    config:\n      session_timeout: soon\n', ['forge.yaml:5:24 modules[0].config.session_timeout: expected number, received string']],
    ['number below minimum', 'name: a\nmodules:\n  - name: auth\n    config:\n      session_timeout: 5\n', ['forge.yaml:5:24 modules[0].config.session_timeout: Too small: expected number to be >=60']],
    ['enum value', 'name: a\nmodules:\n  - name: auth\n    config:\n      registration: everyone\n', ['forge.yaml:5:21 modules[0].config.registration: expected one of "open"|"invite"|"closed"']],
    ['misspelt config key', 'name: a\nmodules:\n  - name: auth\n    config:\n      sesion_timeout: 10\n', ["forge.yaml:5:7 modules[0].config.sesion_timeout: unknown key (did you mean 'session_timeout'?)"]],
    ['unknown top-level key', 'name: a\nmodulez: []\n', ["forge.yaml:2:1 modulez: unknown key (did you mean 'modules'?)"]],
    ['unknown key in a module entry', 'name: a\nmodules:\n  - name: auth\n    confg: {}\n', ["forge.yaml:4:5 modules[0].confg: unknown key (did you mean 'config'?)"]],
    ['traversal name', 'name: ../x\n', ['forge.yaml:1:7 name: must be a lower-case npm package name that is also a folder name: letters, digits, ".", "_" and "-", starting with a letter or digit']],
    ['name with spaces and capitals', 'name: My App\n', ['forge.yaml:1:7 name: must be a lower-case npm package name that is also a folder name: letters, digits, ".", "_" and "-", starting with a letter or digit']],
    ['scoped name', 'name: "@acme/app"\n', ['forge.yaml:1:7 name: must be a lower-case npm package name that is also a folder name: letters, digits, ".", "_" and "-", starting with a letter or digit']],
    ['missing name', 'modules: []\n', ['forge.yaml:1:1 name: is required']],
    ['bad database', 'name: a\ndatabase: oracle\n', ['forge.yaml:2:11 database: expected one of "sqlite"|"postgres"']],
    ['modules not a list', 'name: a\nmodules: auth\n', ['forge.yaml:2:10 modules: expected array, received string']],
    ['not a mapping', '- just\n- a list\n', ['forge.yaml:1:1: a manifest must be a YAML mapping with name and modules']],
    ['plain text is not a manifest', 'hello world\n', ['forge.yaml:1:1: a manifest must be a YAML mapping with name and modules']],
    ['broken YAML', 'name: a\nmodules: [\n', ['forge.yaml:3:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['duplicate key', 'name: a\nname: b\n', ['forge.yaml:2:1: not valid YAML: Map keys must be unique']],
    ['env reference inside a string', 'name: a\nmodules:\n  - name: auth\n    config:\n      jwt_secret: "pre-${SECRET}"\n', ['forge.yaml:5:19 modules[0].config.jwt_secret: an environment reference must be the whole value of a top-level config key, as ${VAR} or ${VAR:-default}']],
    ['env default of the wrong type', 'name: a\nmodules:\n  - name: auth\n    config:\n      session_timeout: ${TIMEOUT:-soon}\n', ['forge.yaml:5:24 modules[0].config.session_timeout: expected number, received NaN']],
    ['env reference for a key that only shapes generated files', 'name: a\nmodules:\n  - name: billing\n    config:\n      alert_threshold: ${T:-2}\n', ['forge.yaml:5:24 modules[0].config.alert_threshold: shapes generated files, so it cannot come from the environment; give the value itself']],
    [
      'several problems reported together, top-level and module ones alike',
      'name: Bad Name\ndatabase: mongo\nmodules:\n  - name: nope\n  - name: biling\n  - name: auth\n    config:\n      session_timeout: soon\n  - name: core\n    confg: {}\n',
      [
        'forge.yaml:1:7 name: must be a lower-case npm package name that is also a folder name: letters, digits, ".", "_" and "-", starting with a letter or digit',
        'forge.yaml:2:11 database: expected one of "sqlite"|"postgres"',
        "forge.yaml:4:11 modules[0].name: unknown module 'nope'; `forge modules` lists them",
        "forge.yaml:5:11 modules[1].name: unknown module 'biling' (did you mean 'billing'?); `forge modules` lists them",
        'forge.yaml:8:24 modules[2].config.session_timeout: expected number, received string',
        "forge.yaml:10:5 modules[3].confg: unknown key (did you mean 'config'?)",
      ],
    ],
  ];
  it.each(cases)('%s', (_, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it('refuses a YAML alias bomb', () => {
    const bomb = ['name: a', 'a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`)].join('\n');
    expect(problemsOf(bomb)[0]).toMatch(/^forge.yaml: refused: Excessive alias count/);
  });

  it('refuses a file over 1 MiB before parsing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-manifest-'));
    const file = join(dir, 'forge.yaml');
    writeFileSync(file, `name: a\n#${'x'.repeat(1024 * 1024)}\n`);
    expect(() => readManifest(file, registry)).toThrow(/a manifest may be at most 1 MiB/);
  });

  it('refuses a binary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-manifest-'));
    const file = join(dir, 'forge.yaml');
    writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
    expect(() => readManifest(file, registry)).toThrow(/is not a text file/);
  });
});

describe('did you mean', () => {
  const names = ['core', 'auth', 'billing', 'observability'];
  it('suggests a name one slip away, a swap of two letters included', () => {
    expect(didYouMean('cor', names)).toBe(" (did you mean 'core'?)");
    expect(didYouMean('auht', names)).toBe(" (did you mean 'auth'?)");
    expect(didYouMean('observabilty', names)).toBe(" (did you mean 'observability'?)");
  });

  it('suggests nothing for a word that merely has the same length', () => {
    expect(didYouMean('nope', names)).toBe('');
    expect(didYouMean('x', names)).toBe('');
  });
});

describe('manifest values', () => {
  it('defaults database, description and module config', () => {
    const m = parseManifest('name: shop\nmodules:\n  - name: auth\n', registry);
    expect(m).toMatchObject({ name: 'shop', database: 'sqlite', description: '' });
    expect(m.modules[0]?.config).toEqual({ session_timeout: 3600, mfa_required: false, registration: 'open', jwt_secret: 'x'.repeat(32), providers: [] });
  });

  it('keeps ${VAR} as a reference, never as a value', () => {
    const m = parseManifest('name: shop\nmodules:\n  - name: auth\n    config:\n      jwt_secret: ${JWT_SECRET}\n      session_timeout: ${TIMEOUT:-900}\n', registry);
    expect(m.modules[0]?.envRefs).toEqual({ jwt_secret: { env: 'JWT_SECRET' }, session_timeout: { env: 'TIMEOUT', default: '900' } });
    expect(m.modules[0]?.config.session_timeout).toBe(900);
  });
});
