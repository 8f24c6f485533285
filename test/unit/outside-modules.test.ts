import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem, GenerateError, InputError } from '../../src/errors.js';
import { moduleContractVersion } from '../../src/generator/define-module.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { loadProjectRegistry } from '../../src/generator/outside/load.js';
import { generate } from '../../src/generator/pipeline.js';
import { loadRegistry, type Registry } from '../../src/generator/registry.js';
import type { ModuleSource } from '../../src/manifest/schema.js';

let catalogue: Registry;
const home = process.cwd();
beforeAll(async () => {
  catalogue = await loadRegistry();
});
// Files are named relative to where forge runs: the tests that check names run in the project.
afterEach(() => process.chdir(home));

/** A descriptor's text; `fields` replaces or adds fields (as code), `imports` goes on top. */
function descriptor(name: string, fields: Record<string, string> = {}, imports = ''): string {
  const all: Record<string, string> = {
    name: `'${name}'`,
    contract: 'moduleContractVersion',
    summary: `'${name} of the team'`,
    tier: "'core'",
    status: "'implemented'",
    dependsOn: "['core']",
    config: "z.object({ greeting: z.string().default('hello').describe('How it greets') }).strict()",
    ...fields,
  };
  const body = Object.entries(all)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `  ${k}: ${v},`)
    .join('\n');
  return `import { defineModule, moduleContractVersion } from 'platform-forge/module';\nimport { z } from 'zod';\n${imports}\nexport default defineModule({\n${body}\n});\n`;
}

/** A project folder with the given files (paths relative to it). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'forge-outside-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const local: ModuleSource[] = [{ path: 'forge-modules' }];
const index = (name: string) => `import type { AppModule } from '../core/index.js';\n\nexport const ${name}Module: AppModule = { name: '${name}' };\n`;

async function refusal(dir: string, sources = local): Promise<string[]> {
  try {
    await loadProjectRegistry(dir, sources, catalogue);
  } catch (e) {
    if (e instanceof InputError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error('the modules were accepted');
}

describe('modules from outside the catalogue', () => {
  it('a folder of the project: its module joins the catalogue, its config is checked with positions, its files render', async () => {
    const dir = project({
      'forge-modules/notes/module.ts': descriptor('notes', { dependencies: "['left-pad']", catalogue: "{ 'left-pad': '^1.3.0' }" }),
      'forge-modules/notes/files/src/modules/notes/index.ts.hbs': `// {{module.config.greeting}}\n${index('notes')}`,
      'forge-modules/notes/readme.md.hbs': '## notes\n\nNotes of the team.\n',
    });
    const registry = await loadProjectRegistry(dir, local, catalogue);
    expect(registry.get('notes')?.descriptor.contract).toBe(moduleContractVersion);
    const bad = 'name: app\nmodule_sources:\n  - path: forge-modules\nmodules:\n  - name: notes\n    config:\n      greting: hi\n';
    expect(() => parseManifest(bad, registry)).toThrow("forge.yaml:7:7 modules[0].config.greting: unknown key (did you mean 'greeting'?)");
    const text = 'name: app\nmodule_sources:\n  - path: forge-modules\nmodules:\n  - name: notes\n    config:\n      greeting: hey\n';
    const generated = await generate(parseManifest(text, registry), text, registry);
    expect(generated.tree.read('src/modules/notes/index.ts')).toContain('// hey');
    expect(generated.tree.read('src/modules.ts')).toContain("import { notesModule } from './modules/notes/index.js';");
    expect(JSON.parse(generated.tree.read('package.json') ?? '{}')).toMatchObject({ dependencies: { 'left-pad': '^1.3.0' } });
    expect(generated.tree.read('README.md')).toContain('Notes of the team.');
    expect(generated.tree.read('eslint.config.js')).toContain("'forge-modules/'");
    expect(generated.tree.read('.forge/forge.schema.json')).toContain('"const": "notes"');
    // Deterministic: the same inputs give the same files.
    const again = await generate(parseManifest(text, registry), text, registry);
    expect(again.tree.entries()).toEqual(generated.tree.entries());
  });

  it('an installed npm package, with a compiled descriptor and a dependency on a catalogue module', async () => {
    const dir = project({
      'package.json': '{ "name": "app" }\n',
      'node_modules/@acme/forge-modules/package.json': '{ "name": "@acme/forge-modules", "exports": { ".": "./index.js" } }\n',
      'node_modules/@acme/forge-modules/ledger/module.mjs': descriptor('ledger', { dependsOn: "['core', 'auth']" }),
      'node_modules/@acme/forge-modules/ledger/files/src/modules/ledger/index.ts': index('ledger'),
    });
    const registry = await loadProjectRegistry(dir, [{ package: '@acme/forge-modules' }], catalogue);
    const text = 'name: app\nmodule_sources:\n  - package: "@acme/forge-modules"\nmodules:\n  - name: ledger\n';
    const generated = await generate(parseManifest(text, registry), text, registry);
    expect(generated.plan.modules.map((m) => m.descriptor.name)).toEqual(['core', 'auth', 'ledger']);
  });

  const broken: [string, Record<string, string>, string][] = [
    ['contract mismatch', { 'forge-modules/x/module.ts': descriptor('x', { contract: '2' }) }, 'forge-modules/x/module.ts: module x: was written for module contract 2, and this forge speaks contract 1'],
    ['no contract', { 'forge-modules/x/module.ts': descriptor('x', { contract: '' }) }, 'forge-modules/x/module.ts: module x: states no module contract version'],
    ['bad shape', { 'forge-modules/x/module.ts': descriptor('x', { tier: "'gold'", colour: "'red'" }) }, 'forge-modules/x/module.ts: module x: tier:'],
    ['name and folder differ', { 'forge-modules/x/module.ts': descriptor('y') }, 'forge-modules/x/module.ts: module x: its name y differs from its folder x'],
    ['syntax error', { 'forge-modules/x/module.ts': 'export default {\n  name: ;\n' }, 'forge-modules/x/module.ts:2:9: module x: Expression expected.'],
    ['a throwing descriptor', { 'forge-modules/x/module.ts': "throw new Error('boom');\n" }, 'forge-modules/x/module.ts: module x: cannot be loaded: boom'],
    ['a package outside the catalogue', { 'forge-modules/x/module.ts': descriptor('x', { dependencies: "['left-pad']" }) }, "module x: package left-pad is not in forge's catalogue"],
    ['a catalogue entry that clashes with forge', { 'forge-modules/x/module.ts': descriptor('x', { catalogue: "{ express: '^4.0.0' }" }) }, "module x: its catalogue pins express at ^4.0.0, but forge's catalogue pins ^5"],
    [
      'two modules pinning one package differently',
      { 'forge-modules/a/module.ts': descriptor('a', { catalogue: "{ 'left-pad': '^1.0.0' }" }), 'forge-modules/b/module.ts': descriptor('b', { catalogue: "{ 'left-pad': '^1.3.0' }" }) },
      'forge-modules/b/module.ts: module b: its catalogue pins left-pad at ^1.3.0, but module a (forge-modules/a/module.ts) pins ^1.0.0',
    ],
    ['a file outside its folder', { 'forge-modules/x/module.ts': descriptor('x'), 'forge-modules/x/files/src/app.ts': '' }, "module x: files/src/app.ts would write src/app.ts, outside the module's own folder src/modules/x/"],
    ['an unknown dependency', { 'forge-modules/x/module.ts': descriptor('x', { dependsOn: "['core', 'nope']" }) }, 'module x: depends on unknown module nope'],
    [
      'a cycle',
      { 'forge-modules/a/module.ts': descriptor('a', { dependsOn: "['b']" }), 'forge-modules/b/module.ts': descriptor('b', { dependsOn: "['a']" }) },
      'forge-modules/a/module.ts: module a: module dependency cycle: a → b → a',
    ],
    ['a catalogue name', { 'forge-modules/auth/module.ts': descriptor('auth') }, "module auth: the name is taken by forge's catalogue"],
  ];
  it.each(broken)('refuses %s, naming the module and its file', async (_, files, message) => {
    const dir = project(files);
    process.chdir(dir);
    expect((await refusal(dir)).join('\n')).toContain(message);
  });

  it('refuses a source that is missing or outside the project, naming the manifest entry', async () => {
    const dir = project({ 'forge.yaml': '' });
    process.chdir(dir);
    expect(await refusal(dir)).toEqual(['forge.yaml module_sources[0].path: no such folder: forge-modules']);
    expect(await refusal(dir, [{ package: '@acme/none' }])).toEqual(['forge.yaml module_sources[0].package: package @acme/none is not installed (npm install -D @acme/none)']);
  });

  it('a template error names the module and the template file', async () => {
    const dir = project({ 'forge-modules/x/module.ts': descriptor('x'), 'forge-modules/x/files/src/modules/x/index.ts.hbs': '{{module.config.nope}}\n' });
    const registry = await loadProjectRegistry(dir, local, catalogue);
    const text = 'name: app\nmodule_sources:\n  - path: forge-modules\nmodules:\n  - name: x\n';
    const error = await generate(parseManifest(text, registry), text, registry).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenerateError);
    expect((error as GenerateError).message).toMatch(/forge-modules\/x\/files\/src\/modules\/x\/index\.ts\.hbs: module x: "nope" not defined/);
  });
});
