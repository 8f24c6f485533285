import { createHash } from 'node:crypto';

export const lockPath = '.forge/lock.json';
/** The content of every file forge generated last time: the base of the next three-way merge. */
export const generatedPath = '.forge/generated.json';
/** The previous content of every file the last regeneration changed, so it can be recovered by hand. */
export const previousDir = '.forge/previous';

/** What forge generated last time: enough to tell untouched files from edited ones. */
export interface Lock {
  forgeVersion: string;
  manifestHash: string;
  modules: string[];
  /** Path → sha256 of the content forge generated (not of what is on disk now). */
  files: Record<string, string>;
  /** Generated files the user deleted: reported on the run that found them gone, then kept deleted in silence. */
  deleted?: string[];
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const sortedKeys = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));

export function lockJson(lock: Lock): string {
  return `${JSON.stringify({ ...lock, files: sortedKeys(lock.files) }, null, 2)}\n`;
}

export function parseLock(text: string): Lock {
  const lock = JSON.parse(text) as Partial<Lock>;
  if (typeof lock.forgeVersion !== 'string' || typeof lock.files !== 'object' || !Array.isArray(lock.modules)) {
    throw new Error('not a forge lock file');
  }
  return lock as Lock;
}

export function generatedJson(files: Record<string, string>): string {
  return `${JSON.stringify(sortedKeys(files), null, 1)}\n`;
}
