import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { InputError } from '../errors.js';
import { lockPath, parseLock, sha256, type Lock } from './lock.js';
import { Tree } from './tree.js';

export type ChangeKind = 'create' | 'update' | 'delete' | 'keep-edit' | 'keep-deleted' | 'keep-orphan';

/** One file's fate on commit. Only create/update/delete write; keep-* are reported. */
export interface Change {
  kind: ChangeKind;
  path: string;
  /** Content on disk before the change (update/delete/keep-edit). */
  before?: string;
  /** Content written (create/update). */
  after?: string;
}

export const writes = (c: Change) => c.kind === 'create' || c.kind === 'update' || c.kind === 'delete';

/** Joins a tree path to a root and proves the result stays inside it. */
function inside(root: string, path: string): string {
  const full = resolvePath(root, Tree.normalize(path));
  if (!full.startsWith(resolvePath(root) + '/')) throw new InputError('path-escape', `${path} would be written outside ${root}`);
  return full;
}

function writeAll(root: string, files: [string, string][], write = writeFileSync): void {
  for (const [path, content] of files) {
    const full = inside(root, path);
    mkdirSync(dirname(full), { recursive: true });
    write(full, content);
  }
}

export function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/**
 * A new project: written whole into a temporary sibling, then renamed into place, so a failure at any point
 * leaves nothing behind. `write` is replaceable so tests can inject a failure mid-write.
 */
export function commitNew(target: string, files: [string, string][], opts: { force?: boolean; write?: typeof writeFileSync } = {}): void {
  const dir = resolvePath(target);
  if (!isEmptyDir(dir) && !opts.force) {
    throw new InputError('target-not-empty', `${target} is not empty; choose another directory or pass --force`);
  }
  const staging = join(dirname(dir), `.${basename(dir)}.forge-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(dirname(dir), { recursive: true });
    writeAll(staging, files, opts.write);
    if (isEmptyDir(dir)) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
    } else {
      // --force into a non-empty folder: each file replaced by rename; the user's other files stay.
      for (const [path] of files) {
        const to = inside(dir, path);
        mkdirSync(dirname(to), { recursive: true });
        renameSync(inside(staging, path), to);
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export function readLock(root: string): Lock | undefined {
  const file = join(root, lockPath);
  if (!existsSync(file)) return undefined;
  try {
    return parseLock(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError('bad-lock', `${lockPath}: ${(e as Error).message}`);
  }
}

const readIfExists = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

/**
 * What regenerating an existing project would do, file by file. A file whose disk content differs from what
 * forge last generated was edited by its user and is not overwritten; a file the user deleted stays deleted;
 * files forge never generated are never looked at.
 */
export function planChanges(root: string, tree: Tree, lock: Lock | undefined, mergedFromDisk: ReadonlySet<string> = new Set()): Change[] {
  const changes: Change[] = [];
  const generatedBefore = lock?.files ?? {};
  for (const [path, after] of tree.entries()) {
    const before = readIfExists(inside(root, path));
    const lastHash = generatedBefore[path];
    if (before === after) continue;
    if (path === lockPath || (mergedFromDisk.has(path) && before !== undefined)) changes.push(before === undefined ? { kind: 'create', path, after } : { kind: 'update', path, before, after });
    else if (before === undefined) changes.push(lastHash ? { kind: 'keep-deleted', path } : { kind: 'create', path, after });
    else if (lastHash && sha256(before) === lastHash) changes.push({ kind: 'update', path, before, after });
    else changes.push({ kind: 'keep-edit', path, before, after });
  }
  for (const [path, hash] of Object.entries(generatedBefore)) {
    if (tree.exists(path)) continue;
    const before = readIfExists(inside(root, path));
    if (before === undefined) continue;
    changes.push(sha256(before) === hash ? { kind: 'delete', path, before } : { kind: 'keep-orphan', path, before });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Applies the writing changes: every new content is staged next to its file first, then all are renamed in. */
export function commitChanges(root: string, changes: Change[]): void {
  const staged: [string, string][] = [];
  const suffix = `.forge-${randomBytes(4).toString('hex')}`;
  try {
    for (const c of changes) {
      if (c.kind !== 'create' && c.kind !== 'update') continue;
      const full = inside(root, c.path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full + suffix, c.after ?? '');
      staged.push([full + suffix, full]);
    }
  } catch (e) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    throw e;
  }
  for (const [tmp, full] of staged) renameSync(tmp, full);
  for (const c of changes) if (c.kind === 'delete') rmSync(inside(root, c.path), { force: true });
}
