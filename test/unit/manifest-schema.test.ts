import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { check } from 'prettier';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { manifestSchema } from '../../src/generator/manifest-schema.js';
import { secretVariables } from '../../src/generator/module-config.js';
import { loadRegistry, type Registry } from '../../src/generator/registry.js';
import { prettierJson } from '../../src/manifest/json-text.js';
import { topLevelSchema } from '../../src/manifest/schema.js';

const examples = join(import.meta.dirname, '../../examples');
// ajv-formats is CommonJS: its default export arrives wrapped under Node's ESM loader.
type AddFormats = (ajv: Ajv) => Ajv;
const formats = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
const addFormats: AddFormats = formats.default ?? formats;

let registry: Registry;
let schema: Record<string, unknown>;
let validate: ReturnType<Ajv['compile']>;
beforeAll(async () => {
  registry = await loadRegistry();
  schema = JSON.parse(manifestSchema(registry)) as Record<string, unknown>;
  // strict: an unknown keyword or a keyword in the wrong place fails to compile, as a sloppy schema should
  // (a oneOf of `required` alone, module_sources' "either key", is sound JSON Schema that strictRequired dislikes).
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  validate = ajv.compile(schema);
});

/** forge's path notation (`modules[1].config.x`) for an ajv error; keys ajv names as parameters included. */
function ajvPath(e: ErrorObject): string {
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const key = (e.params as { additionalProperty?: string; missingProperty?: string }).additionalProperty ?? (e.params as { missingProperty?: string }).missingProperty;
  if (key !== undefined) parts.push(key);
  return parts.reduce((s, p) => (/^\d+$/.test(p) ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

/**
 * The fields the schema refuses. A failed branch (if, anyOf: "config is not null either") is reported at the
 * field above the one at fault too: only the deepest paths count, as forge names the field at fault.
 */
function refusedBySchema(data: unknown): string[] {
  if (validate(data)) return [];
  const paths = [...new Set((validate.errors ?? []).map(ajvPath))];
  return paths.filter((p) => !paths.some((q) => q !== p && (q.startsWith(`${p}.`) || q.startsWith(`${p}[`)))).sort();
}
function refusedByForge(text: string): string[] {
  try {
    parseManifest(text, registry);
    return [];
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return [...new Set(e.problems.map((p) => p.path ?? ''))].sort();
  }
}

describe('the JSON Schema of forge.yaml', () => {
  it('accepts every example, as forge validate does', () => {
    const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const text = readFileSync(join(examples, file), 'utf8');
      expect(refusedByForge(text), file).toEqual([]);
      expect(refusedBySchema(parse(text)), `${file}: ${JSON.stringify(validate.errors)}`).toEqual([]);
    }
  });

  it('is written as Prettier writes JSON, long and short arrays, nested objects and empty ones alike', async () => {
    const options = { parser: 'json', singleQuote: true, printWidth: 120 } as const;
    expect(await check(manifestSchema(registry), options)).toBe(true);
    const tricky = { a: [], b: {}, c: { d: ['x'.repeat(100), 'y'.repeat(5)], e: [1, 2], f: [{ g: null }, 'h'] }, ['i'.repeat(108)]: ['j'] };
    expect(await check(prettierJson(tricky), options)).toBe(true);
    // Around the width: the array stays on the key's line up to column 120, the comma after it counted.
    for (let n = 106; n <= 112; n++) expect(await check(prettierJson({ ['i'.repeat(n)]: ['j'], k: 1 }), options), String(n)).toBe(true);
  });

  it('has every top-level key of the zod schema, so a section added there appears without editing the JSON', () => {
    const properties = schema.properties as Record<string, { description?: string }>;
    expect(Object.keys(properties).sort()).toEqual(Object.keys(topLevelSchema.shape).sort());
    for (const [key, p] of Object.entries(properties)) expect(p.description, key).toBeTruthy();
  });

  it("checks each module's config against that module: descriptions, defaults and enums come from its descriptor", () => {
    const text = JSON.stringify(schema);
    for (const { descriptor } of registry.values()) {
      if (descriptor.status !== 'implemented') continue;
      expect(text, descriptor.name).toContain(`"const":"${descriptor.name}"`);
      for (const [key, s] of Object.entries(descriptor.config.shape)) {
        expect(text, `${descriptor.name}.${key}`).toContain(JSON.stringify((s as { description?: string }).description).slice(0, -1));
      }
    }
    expect(text).toContain('"enum":["header","subdomain","token"]');
    expect(text).toContain('"default":"header"');
  });

  it('takes a ${VAR} where forge does, and refuses one naming a secret variable, as forge does', () => {
    const secret = [...secretVariables(registry).keys()][0] ?? '';
    expect(secret).not.toBe('');
    const ok = 'name: a\nmodules:\n  - name: core\n    config:\n      rate_limit_points: ${POINTS:-300}\n      tenant_resolution: ${TENANTS}\n';
    expect(refusedByForge(ok)).toEqual([]);
    expect(refusedBySchema(parse(ok))).toEqual([]);
    const bad = `name: a\nmodules:\n  - name: core\n    config:\n      rate_limit_points: \${${secret}}\n`;
    expect(refusedByForge(bad)).toEqual(['modules[0].config.rate_limit_points']);
    expect(refusedBySchema(parse(bad))).toEqual(['modules[0].config.rate_limit_points']);
  });

  const broken: [string, string, string[]][] = [
    ['bad app name', 'name: My App\n', ['name']],
    ['missing name', 'modules: []\n', ['name']],
    ['unknown database', 'name: a\ndatabase: oracle\n', ['database']],
    ['unknown top-level key', 'name: a\nmodulez: []\n', ['modulez']],
    ['modules not a list', 'name: a\nmodules: auth\n', ['modules']],
    ['unknown module', 'name: a\nmodules:\n  - name: biling\n', ['modules[0].name']],
    ['planned module', 'name: a\nmodules:\n  - name: privacy\n', ['modules[0].name']],
    ['unknown key in an entry', 'name: a\nmodules:\n  - name: auth\n    confg: {}\n', ['modules[0].confg']],
    ['wrong type in config', 'name: a\nmodules:\n  - name: auth\n    config:\n      session_timeout: soon\n', ['modules[1].config.session_timeout'.replace('[1]', '[0]')]],
    ['enum value', 'name: a\nmodules:\n  - name: core\n    config:\n      tenant_resolution: cookie\n', ['modules[0].config.tenant_resolution']],
    ['config key of another module', 'name: a\nmodules:\n  - name: core\n    config:\n      session_timeout: 600\n', ['modules[0].config.session_timeout']],
    ['below a minimum', 'name: a\nmodules:\n  - name: core\n    config:\n      body_limit_kb: 0\n', ['modules[0].config.body_limit_kb']],
    ['env reference inside a string', 'name: a\nmodules:\n  - name: auth\n    config:\n      jwt_issuer: "https://${HOST}"\n', ['modules[0].config.jwt_issuer']],
    ['env reference for a key that shapes files', 'name: a\nmodules:\n  - name: observability\n    config:\n      alert_for_minutes: ${M:-5}\n', ['modules[0].config.alert_for_minutes']],
    ['a secret written into forge.yaml', 'name: a\nmodules:\n  - name: billing\n    config:\n      webhook_secret: whsec_abcdefabcdefabcdef\n', ['modules[0].config.webhook_secret']],
    ['a default for a secret', 'name: a\nmodules:\n  - name: billing\n    config:\n      webhook_secret: ${S:-whsec_abcdefabcdefabcdef}\n', ['modules[0].config.webhook_secret']],
    ['module source with both forms', 'name: a\nmodule_sources:\n  - path: x\n    package: y\n', ['module_sources[0]']],
    [
      'several at once',
      'name: a\ndatabase: mongo\nmodules:\n  - name: core\n    config:\n      body_limit_kb: huge\n  - name: auth\n    config:\n      registration: everyone\n',
      ['database', 'modules[0].config.body_limit_kb', 'modules[1].config.registration'],
    ],
  ];
  it.each(broken)('refuses %s, flagging the same fields as forge validate', (_, text, paths) => {
    expect(refusedByForge(text)).toEqual(paths);
    expect(refusedBySchema(parse(text) as unknown)).toEqual(paths);
  });
});
