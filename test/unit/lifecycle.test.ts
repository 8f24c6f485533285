/**
 * The life of a generated project: regenerate, add-module, remove-module and a forge upgrade, each against
 * files in every state (untouched, edited apart from forge's change, edited on forge's change, deleted, added).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { structuredPatch } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitNew, type Change } from '../../src/generator/commit.js';
import { commitChanges } from '../../src/generator/journal.js';
import { generate } from '../../src/generator/pipeline.js';
import { regenerate } from '../../src/generator/regenerate.js';
import { loadRegistry, type Registry } from '../../src/generator/registry.js';
import { addModules, removeModule } from '../../src/manifest/edit.js';
import { parseManifest } from '../../src/generator/manifest.js';

const fixtures = join(import.meta.dirname, '../fixtures/upgrade');
const baseDir = join(fixtures, 'base');
const [v1, v2] = await Promise.all([loadRegistry(join(fixtures, 'v1')), loadRegistry(join(fixtures, 'v2'))]);
const manifestV1 = '# my comment stays\nname: life\nmodules:\n  - name: widget # inline comment\n';

async function newProject(registry: Registry, text = manifestV1): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'forge-life-')), 'app');
  const { tree } = await generate(parseManifest(text, registry), text, registry, { baseDir });
  commitNew(dir, [...tree.entries(), ['forge.yaml', text]]);
  return dir;
}

/** Regenerates and commits, as `forge generate` / `add-module` / `remove-module` do. */
async function regen(dir: string, registry: Registry, manifestText?: string): Promise<Change[]> {
  const { changes } = await regenerate(dir, registry, { baseDir, ...(manifestText ? { manifestText } : {}) });
  commitChanges(dir, changes);
  if (manifestText) writeFileSync(join(dir, 'forge.yaml'), manifestText);
  return changes;
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const edit = (dir: string, path: string, fn: (s: string) => string) => writeFileSync(join(dir, path), fn(read(dir, path)));
const kinds = (changes: Change[]) => Object.fromEntries(changes.map((c) => [c.path, c.kind]));

describe('regenerate after a config change', () => {
  it('updates untouched files, merges edits beside the change, marks edits on it, keeps deletions and user files', async () => {
    const dir = await newProject(v1);
    edit(dir, '.env.example', (s) => `# my note at the top\n${s}`); // edited apart from the change
    edit(dir, 'src/config.ts', (s) => s.replace('default(1)', 'default(99)')); // edited on the change
    rmSync(join(dir, 'docker-compose.yml')); // deleted
    writeFileSync(join(dir, 'src/mine.ts'), 'export const mine = 1;\n'); // added
    const changes = await regen(dir, v1, manifestV1.replace('# inline comment', '# inline comment\n    config:\n      size: 5'));
    expect(kinds(changes)).toMatchObject({ '.env.example': 'merge', 'src/config.ts': 'conflict', 'docker-compose.yml': 'keep-deleted' });
    expect(read(dir, '.env.example')).toMatch(/^# my note at the top\n[\s\S]*WIDGET_SIZE=5\n/);
    expect(read(dir, 'src/config.ts')).toContain('<<<<<<< yours\n  WIDGET_SIZE: z.coerce.number().default(99),\n=======\n  WIDGET_SIZE: z.coerce.number().default(5),\n>>>>>>> forge\n');
    expect(existsSync(join(dir, 'docker-compose.yml'))).toBe(false);
    expect(read(dir, 'src/mine.ts')).toBe('export const mine = 1;\n');
    expect((await regenerate(dir, v1, { baseDir })).changes.filter((c) => !c.kind.startsWith('keep'))).toEqual([]);
    // The deletion was reported on the run that found it, and recorded: later runs say nothing more of it.
    expect(JSON.parse(read(dir, '.forge/lock.json')).deleted).toEqual(['docker-compose.yml']);
    expect(kinds((await regenerate(dir, v1, { baseDir })).changes)['docker-compose.yml']).toBeUndefined();
  });
});

describe('add-module and remove-module', () => {
  it('adds files, wires an edited src/modules.ts and merges package.json; removing undoes only what is untouched', async () => {
    const dir = await newProject(v2);
    edit(dir, 'src/modules.ts', (s) => `${s}export const userCode = true;\n`);
    edit(dir, 'package.json', (s) => s.replace('"dependencies": {}', '"dependencies": {\n    "left-pad": "^1.3.0"\n  }'));
    const added = addModules(read(dir, 'forge.yaml'), ['gadget'], new Map());
    expect(added.text).toContain('# my comment stays');
    expect(added.text).toContain('# inline comment');
    const changes = await regen(dir, v2, added.text);
    expect(kinds(changes)).toMatchObject({ 'src/modules/gadget/index.ts': 'create', 'src/modules.ts': 'update' });
    const wiring = read(dir, 'src/modules.ts');
    expect(wiring).toContain("import { gadgetModule } from './modules/gadget/index.js';");
    expect(wiring).toContain('[widgetModule, gadgetModule]');
    expect(wiring).toContain('export const userCode = true;');
    expect(JSON.parse(read(dir, 'package.json')).dependencies).toEqual({ 'left-pad': '^1.3.0' });

    edit(dir, 'src/modules/gadget/service.ts', (s) => `${s}export const four = 4;\n`);
    const removed = removeModule(read(dir, 'forge.yaml'), 'gadget');
    expect(removed).toBeDefined();
    const after = await regen(dir, v2, removed);
    expect(kinds(after)).toMatchObject({
      'src/modules/gadget/index.ts': 'delete',
      'src/modules/gadget/service.ts': 'keep-orphan',
      'src/modules/gadget/helpers.ts': 'keep-imported', // untouched, but the kept service.ts imports it
    });
    expect(read(dir, 'src/modules/gadget/helpers.ts')).toContain('export const base = 1;\n');
    expect(existsSync(join(dir, 'src/modules/gadget/index.ts'))).toBe(false);
    expect(existsSync(join(dir, 'src/modules/gadget'))).toBe(true); // still holds the edited service.ts
    expect(read(dir, 'src/modules/gadget/service.ts')).toContain('export const four = 4;');
    expect(read(dir, 'src/modules.ts')).not.toContain('gadget');
    expect(read(dir, 'src/modules.ts')).toContain('export const userCode = true;');
    expect(read(dir, 'forge.yaml')).toBe(manifestV1);
  });
});

describe('upgrading forge: an app made with v1 of a module regenerates under v2', () => {
  it("keeps the user's edits and applies v2's changes", async () => {
    const dir = await newProject(v1);
    edit(dir, 'src/modules/widget/service.ts', (s) => s.replace('// widget service\n', '// widget service\n// my note\n'));
    edit(dir, 'src/modules/widget/legacy-edited.ts', (s) => `${s}// still mine\n`);
    const changes = await regen(dir, v2);
    expect(kinds(changes)).toMatchObject({
      'src/modules/widget/service.ts': 'merge',
      'src/modules/widget/added-in-v2.ts': 'create',
      'src/modules/widget/legacy.ts': 'delete',
      'src/modules/widget/legacy-edited.ts': 'keep-orphan',
    });
    const service = read(dir, 'src/modules/widget/service.ts');
    expect(service).toContain('return 2;');
    expect(service).toContain('// my note');
    expect(service).toContain('export const version = 2;');
  });

  it('property: random edits away from the lines v2 changes always survive the upgrade', async () => {
    const lineCount = read(await newProject(v1), 'src/modules/widget/service.ts').split('\n').length - 1;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 2, max: lineCount - 3 }), { minLength: 1, maxLength: 6 }), async (positions) => {
        const dir = await newProject(v1);
        const path = 'src/modules/widget/service.ts';
        const lines = read(dir, path).split('\n');
        for (const p of [...positions].sort((a, b) => b - a)) lines.splice(p + 1, 0, `// user line ${p}`);
        writeFileSync(join(dir, path), lines.join('\n'));
        const changes = await regen(dir, v2);
        const text = read(dir, path);
        rmSync(join(dir, '..'), { recursive: true, force: true });
        return kinds(changes)[path] === 'merge' && positions.every((p) => text.includes(`// user line ${p}\n`)) && text.includes('return 2;') && text.includes('version = 2;');
      }),
      { numRuns: 25 },
    );
  });
});


const propertyFiles = ['src/config.ts', '.env.example', 'docker-compose.yml', 'README.md', 'src/modules.ts', 'src/app.ts'];
const real = await loadRegistry();
const before = 'name: prop\nmodules: []\n';
const after = addModules(before, ['observability'], new Map()).text;
const { tree: baseTree } = await generate(parseManifest(before, real), before, real);
const { tree: nextTree } = await generate(parseManifest(after, real), after, real);
/** Lines (0-based) of each file that forge's change touches or borders: a user edit there may overlap. */
const nearChange = Object.fromEntries(
  propertyFiles.map((path) => {
    const near = new Set<number>();
    for (const h of structuredPatch(path, path, baseTree.read(path), nextTree.read(path), '', '', { context: 0 }).hunks) {
      for (let line = h.oldStart - 2; line <= h.oldStart + Math.max(h.oldLines, 1); line++) near.add(line);
    }
    return [path, near];
  }),
);
/** A line a person would write in that file: code, a setting, a comment. */
const userLine = (path: string, n: number) =>
  path.endsWith('.ts') ? (n % 2 ? `export const userValue${n} = ${n};` : `// user note ${n}`) : path.endsWith('.md') ? `User paragraph ${n}.` : path.endsWith('.yml') ? `# user note ${n}` : `USER_SETTING_${n}=${n}`;
const userEdit = fc.record({ file: fc.constantFrom(...propertyFiles), at: fc.nat(), modify: fc.boolean() });

describe('property: edits away from what forge changes always survive add-module, in every kind of generated file', () => {
  it('inserted and modified lines stay, and forge\'s new lines arrive, without a conflict', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(userEdit, { minLength: 1, maxLength: 8 }), async (edits) => {
        const dir = join(mkdtempSync(join(tmpdir(), 'forge-prop-')), 'app');
        commitNew(dir, [...baseTree.entries(), ['forge.yaml', before]]);
        const expected: string[] = [];
        edits.forEach(({ file, at, modify }, n) => {
          const lines = read(dir, file).split('\n');
          const allowed = lines.map((_, i) => i).filter((i) => !nearChange[file]?.has(i) && i < lines.length - 1);
          const i = allowed[at % allowed.length] as number;
          // A line an earlier edit wrote (USER_SETTING_…, user note …) is never modified: it is expected unchanged.
          const line = modify && lines[i]?.trim() && !/user/i.test(lines[i] ?? '') ? `${lines[i]}${file.endsWith('.ts') ? ` // changed by user ${n}` : ` (changed by user ${n})`}` : userLine(file, n);
          lines.splice(i, modify && line.includes('changed by user') ? 1 : 0, line);
          expected.push(line);
          writeFileSync(join(dir, file), lines.join('\n'));
        });
        const { changes } = await regenerate(dir, real, { manifestText: after });
        commitChanges(dir, changes);
        const merged = Object.fromEntries(propertyFiles.map((f) => [f, read(dir, f)]));
        rmSync(join(dir, '..'), { recursive: true, force: true });
        const forgeLines = propertyFiles.flatMap((f) => nextTree.read(f).split('\n').filter((l) => l.trim() && !baseTree.read(f).includes(l)).map((l) => [f, l] as const));
        return (
          changes.every((c) => c.kind !== 'conflict') &&
          expected.every((l) => Object.values(merged).some((text) => text.includes(`${l}\n`))) &&
          forgeLines.every(([f, l]) => merged[f]?.includes(l))
        );
      }),
      { numRuns: 20 },
    );
  });
});
