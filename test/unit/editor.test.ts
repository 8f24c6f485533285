import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/generator/manifest-schema.js';
import { loadRegistry, type Registry } from '../../src/generator/registry.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { InputError, type Problem } from '../../src/errors.js';
import { schemaModeline, schemaPath } from '../../src/manifest/modeline.js';

/**
 * What an editor shows while forge.yaml is typed: the YAML language server (the engine of VS Code's YAML
 * extension and of other editors' YAML support), run in-process on a project whose forge.yaml carries the
 * modeline and whose .forge/forge.schema.json is the one forge writes.
 */
type Service = {
  configure(settings: object): void;
  doValidation(doc: TextDocument, k8s: boolean): Promise<{ message: string; range: { start: { line: number; character: number } } }[]>;
  doComplete(doc: TextDocument, at: { line: number; character: number }, k8s: boolean): Promise<{ items: { label: string }[] }>;
  doHover(doc: TextDocument, at: { line: number; character: number }): Promise<{ contents: { value: string } } | null>;
};
// Its ES build names files without extensions, which Node's ESM loader refuses; the UMD build loads as CommonJS.
const { getLanguageService } = createRequire(import.meta.url)('yaml-language-server/lib/umd/languageservice/yamlLanguageService.js') as {
  getLanguageService(params: object): Service;
};

let service: Service;
let registry: Registry;
/** forge's own problems with the same text. */
function problemsOf(text: string): Problem[] {
  try {
    parseManifest(text, registry);
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  return [];
}
let uri = '';
beforeAll(async () => {
  const project = mkdtempSync(join(tmpdir(), 'forge-editor-'));
  mkdirSync(join(project, '.forge'));
  registry = await loadRegistry();
  writeFileSync(join(project, schemaPath), manifestSchema(registry));
  uri = pathToFileURL(join(project, 'forge.yaml')).href;
  service = getLanguageService({
    schemaRequestService: (schemaUri: string) => Promise.resolve(readFileSync(fileURLToPath(schemaUri), 'utf8')),
    workspaceContext: { resolveRelativePath: (path: string, from: string) => pathToFileURL(resolve(dirname(fileURLToPath(from)), path)).href },
  });
  service.configure({ validate: true, hover: true, completion: true });
});

// The server caches a parsed document by uri and version: each text is a new version.
let version = 0;
const documentOf = (text: string) => TextDocument.create(uri, 'yaml', ++version, `${schemaModeline}\n${text}`);
/** Line numbers as the user sees them in the manifest below the modeline (1-based, like forge's). */
const where = (p: { line: number; character: number }) => `${p.line}:${p.character + 1}`;

describe('what an editor shows in forge.yaml', () => {
  it('underlines the mistakes forge validate reports, on their lines, and nothing in a good manifest', async () => {
    const text = [
      'name: My App',
      'databse: postgres',
      'modules:',
      '  - name: core',
      '    config:',
      '      rate_limit_points: ${API_POINTS:-300}',
      '      body_limit_kb: 0',
      '      tenant_resolution: cookie',
      '  - name: auth',
      '    config:',
      '      session_timeout: soon',
      '  - name: biling',
      '',
    ].join('\n');
    const found = (await service.doValidation(documentOf(text), false)).map((d) => `${where(d.range.start)} ${d.message.split('\n')[0] ?? ''}`).sort();
    expect(found).toEqual(
      [
        '1:7 String does not match the pattern of "^[a-z0-9][a-z0-9._-]*$".',
        '2:1 Property databse is not allowed.',
        '7:22 Value is below the minimum of 1.',
        '8:26 Value is not accepted. Valid values: "header", "subdomain", "token".',
        '11:24 Incorrect type. Expected "integer".',
        '12:11 Value must be "auth" | "billing" | "core" | "observability".',
      ].sort(),
    );
    // At the very positions `forge validate` gives (the modeline shifts both by one line in a real file).
    const positions = (found: string[]) => found.map((f) => f.split(' ')[0]).sort();
    const forge = problemsOf(text);
    expect(positions(forge.map((p) => `${String(p.line)}:${String(p.column)}`))).toEqual(positions(found));
    const good = readFileSync(join(import.meta.dirname, '../../examples/saas-auth.yaml'), 'utf8');
    expect(await service.doValidation(documentOf(good), false)).toEqual([]);
  });

  it("completes top-level keys, module names, and a module's own config keys once its name is written", async () => {
    const labels = async (text: string, line: number, character: number) =>
      (await service.doComplete(documentOf(text), { line, character }, false)).items.map((i) => i.label);
    expect(await labels('name: a\n\n', 2, 0)).toEqual(expect.arrayContaining(['description', 'database', 'module_sources']));
    expect(await labels('name: a\nmodules:\n  - name: \n', 3, 10)).toEqual(['auth', 'billing', 'core', 'observability']);
    const config = await labels('name: a\nmodules:\n  - name: observability\n    config:\n      \n', 5, 6);
    expect(config).toContain('alert_error_rate');
    expect(config).not.toContain('session_timeout');
  });

  it("shows a config key's description on hover, with the ${VAR} it may take", async () => {
    const hover = await service.doHover(documentOf('name: a\nmodules:\n  - name: auth\n    config:\n      session_timeout: 600\n'), { line: 5, character: 9 });
    expect(hover?.contents.value).toContain('Idle lifetime of a session, in seconds');
    expect(hover?.contents.value).toContain('read from the environment at run time');
  });
});
