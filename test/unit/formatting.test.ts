/**
 * Generated code looks hand-written: every file a generated app receives is already formatted by the Prettier
 * it ships (its own .prettierrc.json and .prettierignore), so a user's formatter never fights regeneration.
 * Checked on every example and on every implemented module together, on both databases.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generator/pipeline.js';
import { loadRegistry } from '../../src/generator/registry.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { readManifestText } from '../../src/manifest/load.js';
import { forgeRoot } from '../../src/paths.js';

const registry = await loadRegistry();
const implemented = [...registry.values()].map((m) => m.descriptor).filter((d) => d.status === 'implemented' && !d.alwaysIncluded);
const examples = readdirSync(join(forgeRoot, 'examples')).filter((f) => f.endsWith('.yaml')).sort();
const manifests: [string, string][] = [
  ...examples.map((f): [string, string] => [f, readManifestText(join(forgeRoot, 'examples', f))]),
  // What `forge new --modules` writes: no description.
  ['forge new --modules auth', 'name: app\ndescription: ""\ndatabase: sqlite\nmodules:\n  - name: auth\n'],
  ...(['sqlite', 'postgres'] as const).map((database): [string, string] => [
    `every module on ${database}`,
    `name: every-module\ndescription: "All of it, <b> and 'single' quotes"\ndatabase: ${database}\nmodules:\n${implemented.map((d) => `  - name: ${d.name}\n`).join('')}`,
  ]),
];

/** The generated app on disk (Prettier resolves config and ignore files from there), minus forge's own state. */
async function writtenApp(manifestText: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'forge-format-'));
  const { tree } = await generate(parseManifest(manifestText, registry), manifestText, registry);
  for (const [path, content] of [...tree.entries(), ['forge.yaml', manifestText] as const]) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** Most files are the same in every app: each distinct path and content is checked once. */
const checked = new Map<string, boolean>();

describe('generated files are formatted by the Prettier the app ships', () => {
  it.each(manifests)('%s', async (_, manifestText) => {
    const dir = await writtenApp(manifestText);
    const ignorePath = join(dir, '.prettierignore');
    const unformatted: string[] = [];
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      const info = await prettier.getFileInfo(file, { ignorePath });
      if (info.ignored || info.inferredParser === null) continue;
      const options = { ...(await prettier.resolveConfig(file)), filepath: file };
      const path = file.slice(dir.length + 1);
      const text = readFileSync(file, 'utf8');
      const key = `${path}\0${text}`;
      if (!checked.has(key)) checked.set(key, await prettier.check(text, options));
      if (checked.get(key) === false) unformatted.push(path);
    }
    expect(unformatted).toEqual([]);
  });
});
