/**
 * Commits a regeneration all or nothing, and recovers from a commit that was cut short.
 *
 * 1. stage: every new content goes to .forge/commit/new/, a copy of every file about to be replaced or deleted to
 *    .forge/commit/old/; the project is not touched yet, so a failure here only leaves a staging folder.
 * 2. journal: .forge/commit/journal.json, naming every path and whether it existed, appears by one rename.
 *    From then on an interruption is rolled back from old/, in this process or by the next forge command.
 * 3. apply: staged files renamed into place, deletions made.
 * 4. done: the journal is renamed to done.json (the commit now stands), old/ becomes .forge/previous/ and the
 *    staging folder goes. An interruption here is finished, not rolled back, by the next command.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { inside, writes, type Change } from './commit.js';
import { previousDir } from './lock.js';

export const commitDir = '.forge/commit';

interface JournalEntry {
  path: string;
  /** The file existed before the commit: a rollback copies it back from old/; otherwise it removes the file. */
  existed: boolean;
  delete: boolean;
}

const paths = (root: string) => {
  const work = inside(root, commitDir);
  return { work, journal: join(work, 'journal.json'), done: join(work, 'done.json'), staged: join(work, 'new'), old: join(work, 'old') };
};

export interface CommitOptions {
  /** The rename that puts each staged file in place; replaceable so tests can fail or crash mid-commit. */
  rename?: (from: string, to: string) => void;
}

export function commitChanges(root: string, changes: Change[], opts: CommitOptions = {}): void {
  const writing = changes.filter(writes);
  if (!writing.length) return;
  for (const c of writing) inside(root, c.path); // every destination proven before anything is written
  recoverCommit(root);
  const at = paths(root);
  const entries: JournalEntry[] = writing.map((c) => ({ path: c.path, existed: existsSync(inside(root, c.path)), delete: c.kind === 'delete' }));
  try {
    for (const e of entries) {
      if (e.existed) copyInto(inside(root, e.path), inside(at.old, e.path));
    }
    for (const c of writing) {
      if (c.kind === 'delete') continue;
      const staged = inside(at.staged, c.path);
      mkdirSync(dirname(staged), { recursive: true });
      writeFileSync(staged, c.after ?? '');
    }
    writeFileSync(`${at.journal}.tmp`, JSON.stringify(entries));
    renameSync(`${at.journal}.tmp`, at.journal);
  } catch (e) {
    rmSync(at.work, { recursive: true, force: true }); // the project itself is untouched so far
    throw e;
  }
  const rename = opts.rename ?? renameSync;
  try {
    for (const e of entries) {
      const full = inside(root, e.path);
      if (e.delete) {
        rmSync(full, { force: true });
        removeEmptyParents(root, dirname(full));
      } else {
        mkdirSync(dirname(full), { recursive: true });
        rename(inside(at.staged, e.path), full);
      }
    }
  } catch (e) {
    rollBack(root);
    throw e;
  }
  renameSync(at.journal, at.done);
  finish(root);
}

/**
 * Run by every command on an existing project before it reads anything: a commit cut short after its journal
 * was written is rolled back (the project is exactly as before it); one cut short after it stood is finished.
 */
export function recoverCommit(root: string): 'rolled-back' | 'finished' | undefined {
  const at = paths(root);
  if (!existsSync(at.work)) return undefined;
  if (existsSync(at.journal)) {
    rollBack(root);
    return 'rolled-back';
  }
  if (existsSync(at.done)) {
    finish(root);
    return 'finished';
  }
  rmSync(at.work, { recursive: true, force: true }); // staging that never reached its journal: nothing was applied
  return undefined;
}

/** Copies back what every journalled file was; the copies stay until the end, so an interrupted rollback reruns. */
function rollBack(root: string): void {
  const at = paths(root);
  const entries = JSON.parse(readFileSync(at.journal, 'utf8')) as JournalEntry[];
  for (const e of entries) {
    const full = inside(root, e.path);
    if (e.existed) copyInto(inside(at.old, e.path), full);
    else {
      rmSync(full, { force: true });
      removeEmptyParents(root, dirname(full));
    }
  }
  rmSync(at.work, { recursive: true, force: true });
}

/** The replaced contents become .forge/previous/ (the last commit's, replacing the one before). */
function finish(root: string): void {
  const at = paths(root);
  const previous = inside(root, previousDir);
  rmSync(previous, { recursive: true, force: true });
  if (existsSync(at.old)) renameSync(at.old, previous);
  rmSync(at.work, { recursive: true, force: true });
}

function copyInto(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

/** A removed module leaves no empty folders behind; a folder holding anything of the user's stays. */
function removeEmptyParents(root: string, dir: string): void {
  const top = resolvePath(root);
  for (let current = dir; current.startsWith(top + '/') && existsSync(current) && readdirSync(current).length === 0; current = dirname(current)) {
    rmSync(current, { recursive: true, force: true });
  }
}
