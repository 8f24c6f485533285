import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitChanges, commitNew, planChanges } from '../../src/generator/commit.js';
import { sha256, type Lock } from '../../src/generator/lock.js';
import { Tree } from '../../src/generator/tree.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'forge-commit-'));

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
    return { root, lock };
  }
  const treeOf = (files: Record<string, string>) => {
    const t = new Tree();
    for (const [p, c] of Object.entries(files)) t.write(p, c);
    return t;
  };

  it('replaces untouched files, keeps edited and deleted ones, leaves user files alone, removes untouched orphans', () => {
    const { root, lock } = project(
      { 'untouched.ts': 'v1', 'edited.ts': 'v1 + my edit', 'mine.ts': 'mine', 'orphan.ts': 'v1', 'edited-orphan.ts': 'v1 + edit' },
      { 'untouched.ts': 'v1', 'edited.ts': 'v1', 'deleted.ts': 'v1', 'orphan.ts': 'v1', 'edited-orphan.ts': 'v1' },
    );
    const changes = planChanges(root, treeOf({ 'untouched.ts': 'v2', 'edited.ts': 'v2', 'deleted.ts': 'v2', 'new.ts': 'v2', 'mine.ts': 'v2' }), lock);
    expect(changes.map((c) => [c.path, c.kind])).toEqual([
      ['deleted.ts', 'keep-deleted'],
      ['edited-orphan.ts', 'keep-orphan'],
      ['edited.ts', 'keep-edit'],
      ['mine.ts', 'keep-edit'],
      ['new.ts', 'create'],
      ['orphan.ts', 'delete'],
      ['untouched.ts', 'update'],
    ]);
    commitChanges(root, changes);
    expect(readFileSync(join(root, 'untouched.ts'), 'utf8')).toBe('v2');
    expect(readFileSync(join(root, 'edited.ts'), 'utf8')).toBe('v1 + my edit');
    expect(readFileSync(join(root, 'mine.ts'), 'utf8')).toBe('mine');
    expect(existsSync(join(root, 'deleted.ts'))).toBe(false);
    expect(existsSync(join(root, 'orphan.ts'))).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('.forge-'))).toEqual([]);
  });
});
