import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, posix, relative, resolve as resolvePath } from 'node:path';
import { InputError } from '../errors.js';
import { generatedPath, lockPath, parseLock, sha256, type Lock } from './lock.js';
import { hasConflictMarkers, mergeFile, type Strategy } from './merge.js';
import { Tree } from './tree.js';

export type ChangeKind =
  | 'create' | 'update' | 'merge' | 'conflict' | 'delete'
  | 'keep-edit' | 'keep-deleted' | 'keep-orphan' | 'keep-imported' | 'keep-unresolved';

/** One file's fate on commit. create/update/merge/conflict/delete write; keep-* are reported. */
export interface Change {
  kind: ChangeKind;
  path: string;
  /** Content on disk before the change. */
  before?: string;
  /** Content written: the new render, a clean merge, or a merge with conflict markers. */
  after?: string;
  /** Keys of a JSON file both changed, where the user's value stayed (see MergeOutcome). */
  keptYours?: string[];
}

export const writes = (c: Change) => !c.kind.startsWith('keep-');

/** What `check` fails on and `generate` exits 1 for: anything to write, and conflicts still marked in a file. */
export const drifts = (c: Change) => writes(c) || c.kind === 'keep-unresolved';

const lexists = (path: string) => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

/**
 * Joins a tree path to a root and proves the result stays inside it, on paper and on disk: the deepest part of
 * the path that exists, resolved through any symbolic link, must still be inside the root's real path. So a
 * folder of the project that links elsewhere (`src -> ../outside`) is never written or read through.
 */
export function inside(root: string, path: string): string {
  const top = resolvePath(root);
  const full = resolvePath(top, Tree.normalize(path));
  if (!full.startsWith(top + '/')) throw new InputError('path-escape', `${path} would be written outside ${root}`);
  let probe = full;
  while (probe !== top && !lexists(probe)) probe = dirname(probe);
  if (probe === top) return full;
  const realTop = existsSync(top) ? realpathSync(top) : top;
  let real: string | undefined;
  try {
    real = realpathSync(probe);
  } catch {
    real = undefined; // a link to nothing: where it would lead is not known, so it is not followed
  }
  if (real === undefined || !real.startsWith(realTop + '/')) {
    const link = relative(top, probe);
    throw new InputError('path-escape', `${link} in ${root} is a symbolic link ${real ? `to ${real}, outside the project` : 'to a missing target'}; forge does not write through it (${path})`);
  }
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
      // --force into a non-empty folder: each file replaced by rename; the user's other files stay. Every
      // destination is checked before the first rename, so a refused one leaves the folder as it was.
      const moves = files.map(([path]) => [inside(staging, path), inside(dir, path)] as const);
      for (const [from, to] of moves) {
        mkdirSync(dirname(to), { recursive: true });
        renameSync(from, to);
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

export function readGenerated(root: string): Record<string, string> {
  const text = readIfExists(join(root, generatedPath));
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch (e) {
    throw new InputError('bad-lock', `${generatedPath}: ${(e as Error).message}`);
  }
}

export interface PreviousGeneration {
  lock: Lock | undefined;
  /** What forge generated last time, by path (from .forge/generated.json). */
  contents: Record<string, string>;
}

/**
 * What regenerating an existing project would do, file by file, from three versions of each: what forge
 * generated last time, the file on disk, and the new render.
 * - untouched since generation: replaced; edited while the render is unchanged: left exactly as it is;
 * - both changed: merged, or marked as a conflict (settled by `strategy` when given);
 * - deleted by the user: stays deleted, reported once (the lock records it); never generated by forge: never touched;
 * - generated before but no longer rendered: removed if untouched, kept if edited, and then the untouched files
 *   it imports are kept too, so what the user kept still compiles.
 */
export function planChanges(
  root: string,
  tree: Tree,
  previous: PreviousGeneration,
  opts: { mergedFromDisk?: ReadonlySet<string>; strategy?: Strategy } = {},
): Change[] {
  const changes: Change[] = [];
  const hashes = previous.lock?.files ?? {};
  const reported = new Set(previous.lock?.deleted);
  for (const [path, after] of tree.entries()) {
    const before = readIfExists(inside(root, path));
    if (before === after) continue;
    // Markers from an earlier run that nobody resolved: report them on every run, so CI cannot pass over them.
    if (before !== undefined && hasConflictMarkers(before) && !hasConflictMarkers(after)) {
      changes.push({ kind: 'keep-unresolved', path, before });
      continue;
    }
    const lastHash = hashes[path];
    const base = previous.contents[path];
    const bookkeeping = path === lockPath || path === generatedPath || opts.mergedFromDisk?.has(path);
    if (before === undefined) {
      if (!lastHash || bookkeeping) changes.push({ kind: 'create', path, after });
      else if (!reported.has(path)) changes.push({ kind: 'keep-deleted', path });
    }
    else if (bookkeeping || (lastHash && sha256(before) === lastHash)) changes.push({ kind: 'update', path, before, after });
    else if (!lastHash || base === undefined || sha256(base) !== lastHash) changes.push({ kind: 'keep-edit', path, before });
    else if (base === after) changes.push({ kind: 'keep-edit', path, before });
    else {
      const merged = mergeFile(path, base, before, after, opts.strategy);
      const kept = merged.keptYours ? { keptYours: merged.keptYours } : {};
      if (merged.text === before) changes.push({ kind: 'keep-edit', path, before, ...kept });
      else changes.push({ kind: merged.conflict ? 'conflict' : 'merge', path, before, after: merged.text, ...kept });
    }
  }
  for (const [path, hash] of Object.entries(hashes)) {
    if (tree.exists(path)) continue;
    const before = readIfExists(inside(root, path));
    if (before === undefined) continue;
    changes.push(sha256(before) === hash ? { kind: 'delete', path, before } : { kind: 'keep-orphan', path, before });
  }
  keepWhatKeptFilesImport(changes);
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The module specifiers a TypeScript file imports or re-exports: `./service.js`, `prom-client`, `node:fs`. */
export const importedSpecifiers = (text: string) => [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map((m) => m[1] as string);

/**
 * A file the user edited stays when its module leaves; the untouched files of that module it imports (and what
 * they import) would be deleted under it. They stay too, as 'keep-imported', so the kept code still compiles.
 */
function keepWhatKeptFilesImport(changes: Change[]): void {
  const byPath = new Map(changes.map((c) => [c.path, c]));
  const queue = changes.filter((c) => c.kind === 'keep-orphan');
  for (let kept = queue.pop(); kept; kept = queue.pop()) {
    for (const specifier of importedSpecifiers(kept.before ?? '').filter((i) => i.startsWith('.'))) {
      const target = posix.join(posix.dirname(kept.path), specifier);
      const change = byPath.get(target.replace(/\.js$/, '.ts')) ?? byPath.get(target);
      if (change?.kind !== 'delete') continue;
      change.kind = 'keep-imported';
      queue.push(change);
    }
  }
}
