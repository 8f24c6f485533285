import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitNew, planChanges, type Change } from '../../src/generator/commit.js';
import { commitChanges, commitDir, recoverCommit } from '../../src/generator/journal.js';
import { sha256, type Lock } from '../../src/generator/lock.js';
import { createProject } from '../../src/generator/pipeline.js';
import { loadRegistry } from '../../src/generator/registry.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { Tree } from '../../src/generator/tree.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'forge-commit-'));
const treeOf = (files: Record<string, string>) => {
  const t = new Tree();
  for (const [p, c] of Object.entries(files)) t.write(p, c);
  return t;
};

describe('commitNew', () => {
  it('writes the whole project and leaves no staging folder', () => {
    const parent = scratch();
    commitNew(join(parent, 'app'), [['a.txt', 'a'], ['src/b.ts', 'b']]);
    expect(readFileSync(join(parent, 'app/src/b.ts'), 'utf8')).toBe('b');
    expect(readdirSync(parent)).toEqual(['app']);
  });

  it('leaves nothing behind when a write fails midway', () => {
    const parent = scratch();
    let calls = 0;
    const failing = ((file: string, content: string) => {
      if (++calls === 2) throw new Error('disk full');
      writeFileSync(file, content);
    }) as typeof writeFileSync;
    expect(() => commitNew(join(parent, 'app'), [['a.txt', 'a'], ['b.txt', 'b'], ['c.txt', 'c']], { write: failing })).toThrow('disk full');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('leaves no directory when rendering fails midway, after some files were rendered', async () => {
    const fixtures = join(import.meta.dirname, '../fixtures');
    const registry = await loadRegistry(join(fixtures, 'upgrade/v1'));
    const text = 'name: app\ndescription: hi\nmodules:\n  - name: widget\n';
    const parent = scratch();
    // The widget module's files render first; the base skeleton then prints manifest text without a helper.
    await expect(createProject(join(parent, 'app'), parseManifest(text, registry), text, registry, { baseDir: join(fixtures, 'escape/raw') })).rejects.toThrow(
      /without an escaping helper/,
    );
    expect(readdirSync(parent)).toEqual([]);
    // The same project with a sound skeleton is written whole.
    await createProject(join(parent, 'app'), parseManifest(text, registry), text, registry, { baseDir: join(fixtures, 'upgrade/base') });
    expect(existsSync(join(parent, 'app/src/modules/widget'))).toBe(true);
  });

  it('refuses a non-empty target without force, and keeps its files with force', () => {
    const parent = scratch();
    const target = join(parent, 'app');
    mkdirSync(target);
    writeFileSync(join(target, 'mine.txt'), 'mine');
    expect(() => commitNew(target, [['a.txt', 'a']])).toThrow(/is not empty; choose another directory or pass --force/);
    commitNew(target, [['a.txt', 'a']], { force: true });
    expect(readdirSync(target).sort()).toEqual(['a.txt', 'mine.txt']);
  });

  it('never writes outside the target', () => {
    expect(() => commitNew(join(scratch(), 'app'), [['../escape.txt', 'x']])).toThrow(/escapes the project/);
  });
});

describe('regeneration keeps what the user did', () => {
  function project(files: Record<string, string>, generated: Record<string, string>) {
    const root = scratch();
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), c);
    }
    const lock: Lock = { forgeVersion: '0', manifestHash: '', modules: [], files: Object.fromEntries(Object.entries(generated).map(([p, c]) => [p, sha256(c)])) };
    return { root, previous: { lock, contents: generated } };
  }
  const v1 = 'one\ntwo\nthree\nfour\nfive\n';

  it('decides per file: replace, keep, merge, conflict, delete', () => {
    const { root, previous } = project(
      {
        'untouched.ts': v1,
        'edited-same-render.ts': v1.replace('two', 'TWO'),
        'edited-apart.ts': v1.replace('one', 'ONE'),
        'edited-overlap.ts': v1.replace('three', 'mine'),
        'mine.ts': 'mine',
        'orphan.ts': v1,
        'edited-orphan.ts': `${v1}edit\n`,
      },
      { 'untouched.ts': v1, 'edited-same-render.ts': v1, 'edited-apart.ts': v1, 'edited-overlap.ts': v1, 'deleted.ts': v1, 'orphan.ts': v1, 'edited-orphan.ts': v1 },
    );
    const v2 = v1.replace('five', 'FIVE');
    const render = treeOf({
      'untouched.ts': v2,
      'edited-same-render.ts': v1,
      'edited-apart.ts': v2,
      'edited-overlap.ts': v1.replace('three', 'theirs'),
      'deleted.ts': v2,
      'new.ts': v2,
      'mine.ts': v2,
    });
    const changes = planChanges(root, render, previous);
    expect(changes.map((c) => [c.path, c.kind])).toEqual([
      ['deleted.ts', 'keep-deleted'],
      ['edited-apart.ts', 'merge'],
      ['edited-orphan.ts', 'keep-orphan'],
      ['edited-overlap.ts', 'conflict'],
      ['edited-same-render.ts', 'keep-edit'],
      ['mine.ts', 'keep-edit'],
      ['new.ts', 'create'],
      ['orphan.ts', 'delete'],
      ['untouched.ts', 'update'],
    ]);
    commitChanges(root, changes);
    const read = (p: string) => readFileSync(join(root, p), 'utf8');
    expect(read('untouched.ts')).toBe(v2);
    expect(read('edited-same-render.ts')).toBe(v1.replace('two', 'TWO'));
    expect(read('edited-apart.ts')).toBe(v2.replace('one', 'ONE'));
    expect(read('edited-overlap.ts')).toBe('one\ntwo\n<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> forge\nfour\nfive\n');
    expect(read('mine.ts')).toBe('mine');
    expect(existsSync(join(root, 'deleted.ts'))).toBe(false);
    expect(existsSync(join(root, 'orphan.ts'))).toBe(false);
    expect(read('.forge/previous/untouched.ts')).toBe(v1);
    expect(readdirSync(root).filter((f) => f.includes('.forge-'))).toEqual([]);
  });

  it.each([
    ['ours', 'mine', 'keep-edit'],
    ['theirs', 'theirs', 'merge'],
  ] as const)('settles an overlap with --strategy %s', (strategy, line, kind) => {
    const { root, previous } = project({ 'f.ts': v1.replace('three', 'mine') }, { 'f.ts': v1 });
    const changes = planChanges(root, treeOf({ 'f.ts': v1.replace('three', 'theirs') }), previous, { strategy });
    // Settled without markers: not a conflict, so `forge generate --strategy` exits 0.
    expect(changes.map((c) => c.kind)).toEqual([kind]);
    commitChanges(root, changes);
    expect(readFileSync(join(root, 'f.ts'), 'utf8')).toBe(v1.replace('three', line));
  });

  it('reports markers nobody resolved on every later run, until they are gone', () => {
    const { root, previous } = project({ 'f.ts': v1.replace('three', 'mine') }, { 'f.ts': v1 });
    const render = treeOf({ 'f.ts': v1.replace('three', 'theirs') });
    const first = planChanges(root, render, previous);
    expect(first.map((c) => c.kind)).toEqual(['conflict']);
    commitChanges(root, first);
    // The next run renders the same; the lock now holds that render, so the marked file looks like a user edit.
    const marked = readFileSync(join(root, 'f.ts'), 'utf8');
    const rendered = { 'f.ts': v1.replace('three', 'theirs') };
    const afterFirst = { lock: { ...previous.lock, files: { 'f.ts': sha256(rendered['f.ts']) } }, contents: rendered };
    expect(planChanges(root, render, afterFirst).map((c) => c.kind)).toEqual(['keep-unresolved']);
    writeFileSync(join(root, 'f.ts'), marked.replace(/<<<<<<< yours\n|=======\ntheirs\n|>>>>>>> forge\n/g, ''));
    expect(planChanges(root, render, afterFirst).map((c) => c.kind)).toEqual(['keep-edit']);
  });

  it('merges package.json key by key: your dependency stays, forge\'s new one arrives', () => {
    const base = { name: 'a', dependencies: { express: '^5.0.0', zod: '^4.0.0' } };
    const ours = { name: 'a', dependencies: { express: '^5.0.0', lodash: '^4.0.0', zod: '^4.0.0' } };
    const theirs = { name: 'a', dependencies: { argon2: '^0.44.0', express: '^5.1.0' } };
    const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
    const { root, previous } = project({ 'package.json': json(ours) }, { 'package.json': json(base) });
    const [change] = planChanges(root, treeOf({ 'package.json': json(theirs) }), previous);
    expect(change?.kind).toBe('merge');
    expect(JSON.parse(change?.after ?? '')).toEqual({ name: 'a', dependencies: { argon2: '^0.44.0', express: '^5.1.0', lodash: '^4.0.0' } });
  });

  it('names each package.json key both changed: your value stays, forge\'s is shown, never dropped unseen', () => {
    const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
    const base = { name: 'a', dependencies: { express: '^5.0.0' } };
    const { root, previous } = project({ 'package.json': json({ name: 'a', dependencies: { express: '5.0.1' } }) }, { 'package.json': json(base) });
    const [change] = planChanges(root, treeOf({ 'package.json': json({ name: 'a', dependencies: { express: '^5.1.0' } }) }), previous);
    expect(change).toMatchObject({ kind: 'keep-edit', keptYours: ['dependencies.express (forge: "^5.1.0")'] });
  });
});

describe('symbolic links never lead a write out of the project', () => {
  /** A parent holding `outside/` and `app/` whose `src` links to ../outside. */
  function linked() {
    const parent = scratch();
    mkdirSync(join(parent, 'outside'));
    mkdirSync(join(parent, 'app'));
    writeFileSync(join(parent, 'app/keep.txt'), 'mine');
    symlinkSync('../outside', join(parent, 'app/src'));
    return { parent, app: join(parent, 'app'), outside: join(parent, 'outside') };
  }

  it('new --force refuses a folder that links outside, and changes nothing', () => {
    const { parent, app, outside } = linked();
    expect(() => commitNew(app, [['a.txt', 'a'], ['src/main.ts', 'x']], { force: true })).toThrow(
      /^src in .* is a symbolic link to .*\/outside, outside the project; forge does not write through it \(src\/main\.ts\)$/,
    );
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(app).sort()).toEqual(['keep.txt', 'src']);
    expect(readdirSync(parent).sort()).toEqual(['app', 'outside']);
  });

  it('regeneration refuses to read or write through it', () => {
    const { app, outside } = linked();
    writeFileSync(join(outside, 'main.ts'), 'secret');
    expect(() => planChanges(app, treeOf({ 'src/main.ts': 'x' }), { lock: undefined, contents: {} })).toThrow(/is a symbolic link to .*, outside the project/);
    const change = { kind: 'create' as const, path: 'src/new.ts', after: 'x' };
    expect(() => commitChanges(app, [{ kind: 'create', path: 'a.txt', after: 'a' }, change])).toThrow(/src in .* is a symbolic link/);
    expect(readdirSync(outside)).toEqual(['main.ts']);
    expect(readdirSync(app).sort()).toEqual(['keep.txt', 'src']);
  });

  it('refuses a dangling link, and follows one that stays inside', () => {
    const { app, outside } = linked();
    symlinkSync('../outside/.env', join(app, '.env'));
    expect(() => commitChanges(app, [{ kind: 'create', path: '.env', after: 'APP_SECRET=x' }])).toThrow(/\.env in .* is a symbolic link to a missing target/);
    expect(readdirSync(outside)).toEqual([]);
    mkdirSync(join(app, 'lib'));
    symlinkSync('lib', join(app, 'shared'));
    commitChanges(app, [{ kind: 'create', path: 'shared/a.ts', after: 'a' }]);
    expect(readFileSync(join(app, 'lib/a.ts'), 'utf8')).toBe('a');
  });
});

describe('a commit is all or nothing, and the next run recovers one cut short', () => {
  const before = { 'a.ts': 'old a\n', 'b.ts': 'old b\n', 'gone.ts': 'old gone\n', 'sub/c.ts': 'old c\n', '.forge/lock.json': 'old lock\n' };
  const changes: Change[] = [
    { kind: 'update', path: 'a.ts', before: before['a.ts'], after: 'new a\n' },
    { kind: 'merge', path: 'b.ts', before: before['b.ts'], after: 'new b\n' },
    { kind: 'create', path: 'fresh/d.ts', after: 'new d\n' },
    { kind: 'delete', path: 'gone.ts', before: before['gone.ts'] },
    { kind: 'update', path: 'sub/c.ts', before: before['sub/c.ts'], after: 'new c\n' },
    { kind: 'update', path: '.forge/lock.json', before: before['.forge/lock.json'], after: 'new lock\n' },
  ];
  const after = { 'a.ts': 'new a\n', 'b.ts': 'new b\n', 'fresh/d.ts': 'new d\n', 'sub/c.ts': 'new c\n', '.forge/lock.json': 'new lock\n' };
  function project(): string {
    const root = scratch();
    for (const [p, c] of Object.entries({ ...before, 'mine.ts': 'mine\n' })) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), c);
    }
    return root;
  }
  /** Every file but forge's saved copies (.forge/previous), which are not part of the project's state. */
  const state = (root: string) => {
    const files: Record<string, string> = {};
    for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
      const rel = join(e.parentPath, e.name).slice(root.length + 1);
      if (e.isFile() && !rel.startsWith('.forge/previous/')) files[rel] = readFileSync(join(root, rel), 'utf8');
    }
    return files;
  };
  const renames = changes.filter((c) => c.kind !== 'delete').length;

  it.each(Array.from({ length: renames }, (_, n) => n))('an error at rename %i rolls back on the spot: the project is entirely old', (n) => {
    const root = project();
    let calls = 0;
    const failing = (from: string, to: string) => {
      if (calls++ === n) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      renameSync(from, to);
    };
    expect(() => commitChanges(root, changes, { rename: failing })).toThrow('EACCES');
    expect(state(root)).toEqual({ ...before, 'mine.ts': 'mine\n' });
    expect(existsSync(join(root, 'fresh'))).toBe(false);
    commitChanges(root, changes); // and the same commit then goes through whole
    expect(state(root)).toEqual({ ...after, 'mine.ts': 'mine\n' });
    expect(readFileSync(join(root, '.forge/previous/gone.ts'), 'utf8')).toBe('old gone\n');
  });

  it.each(Array.from({ length: renames + 1 }, (_, n) => n))('a crash at rename %i is rolled back by the next run', (n) => {
    const root = project();
    // What a process killed at that moment leaves on disk: a copy of the folder, taken just then.
    const crashed = join(scratch(), 'crashed');
    let calls = 0;
    const crashing = (from: string, to: string) => {
      if (calls++ === n) {
        cpSync(root, crashed, { recursive: true });
        throw new Error('killed');
      }
      renameSync(from, to);
    };
    if (n < renames) expect(() => commitChanges(root, changes, { rename: crashing })).toThrow('killed');
    else {
      commitChanges(root, changes); // the crash after the last rename: the journal still says "in progress"
      cpSync(root, crashed, { recursive: true });
      mkdirSync(join(crashed, commitDir), { recursive: true });
      writeFileSync(join(crashed, commitDir, 'journal.json'), JSON.stringify(changes.map((c) => ({ path: c.path, existed: c.before !== undefined, delete: c.kind === 'delete' }))));
      mkdirSync(join(crashed, commitDir, 'old'), { recursive: true });
      cpSync(join(root, '.forge/previous'), join(crashed, commitDir, 'old'), { recursive: true });
    }
    expect(existsSync(join(crashed, commitDir, 'journal.json'))).toBe(true);
    expect(recoverCommit(crashed)).toBe('rolled-back');
    expect(state(crashed)).toEqual({ ...before, 'mine.ts': 'mine\n' });
    expect(recoverCommit(crashed)).toBeUndefined();
  });

  it('a crash after the commit stood is finished, not undone; staging without a journal is discarded', () => {
    const root = project();
    commitChanges(root, changes);
    const finishedLate = join(scratch(), 'late');
    cpSync(root, finishedLate, { recursive: true });
    mkdirSync(join(finishedLate, commitDir));
    writeFileSync(join(finishedLate, commitDir, 'done.json'), '[]');
    expect(recoverCommit(finishedLate)).toBe('finished');
    expect(state(finishedLate)).toEqual({ ...after, 'mine.ts': 'mine\n' });

    mkdirSync(join(root, commitDir, 'new'), { recursive: true });
    writeFileSync(join(root, commitDir, 'new/a.ts'), 'half-staged');
    expect(recoverCommit(root)).toBeUndefined();
    expect(state(root)).toEqual({ ...after, 'mine.ts': 'mine\n' });
  });

  it('a failure while staging leaves the project untouched and no staging folder', () => {
    const root = project();
    const bad = [...changes, { kind: 'create' as const, path: 'a.ts/inside-a-file.ts', after: 'x' }];
    expect(() => commitChanges(root, bad)).toThrow();
    expect(state(root)).toEqual({ ...before, 'mine.ts': 'mine\n' });
  });
});
