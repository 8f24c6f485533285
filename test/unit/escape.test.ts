import { join } from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generator/pipeline.js';
import type { Manifest } from '../../src/manifest/load.js';
import { fixtureModule, fixtureRegistry } from '../fixtures/registry.js';

const fixtures = join(import.meta.dirname, '../fixtures/escape');
const registry = fixtureRegistry(fixtureModule('core', [], { alwaysIncluded: true }));

const hostile = [
  'He said "hi" and \'bye\'',
  'back`tick` and ${process.exit(1)} and #{x}',
  'ends a comment */ console.log("pwned"); /*',
  'class',
  '42',
  'line one\nline two\r\n// third\u2028fourth',
  '</script><script>alert(1)</script> \\ backslash',
  '# heading *bold* [link](javascript:alert(1)) | pipe',
  '$(rm -rf /) `id` \\\nRUN echo injected',
];

const manifest = (description: string): Manifest => ({ name: 'safe-app', description, database: 'sqlite', moduleSources: [], modules: [] });

async function importTs(source: string): Promise<Record<string, unknown>> {
  const out = ts.transpileModule(source, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  expect(out.diagnostics ?? []).toEqual([]);
  return (await import(`data:text/javascript,${encodeURIComponent(out.outputText)}`)) as Record<string, unknown>;
}

describe('a manifest description cannot change the meaning of generated files', () => {
  it.each(hostile)('%j', async (description) => {
    const { tree } = await generate(manifest(description), '', registry, { baseDir: join(fixtures, 'base') });

    const mod = await importTs(tree.read('src/meta.ts'));
    expect(mod.description).toBe(description);
    expect(mod.name).toBe('safe-app');
    expect(Object.keys(mod).sort()).toHaveLength(3);

    expect(parse(tree.read('meta.yaml'))).toEqual({ description, next: 'value' });

    const readme = tree.read('README.md').split('\n');
    expect(readme.filter((l) => l.startsWith('#'))).toEqual(['# safe-app', '## After']);
    expect(readme.join('\n')).not.toMatch(/<script|\]\(javascript/);

    const dockerfile = tree.read('Dockerfile').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(dockerfile.map((l) => l.split(' ')[0])).toEqual(['FROM', 'LABEL', 'CMD']);
  });

  it('refuses a template that prints manifest text without a helper', async () => {
    await expect(generate(manifest('x'), '', registry, { baseDir: join(fixtures, 'raw') })).rejects.toThrow(/without an escaping helper/);
  });
});
