import { createHash } from 'node:crypto';

export const lockPath = '.forge/lock.json';

/** What forge generated last time: enough to tell untouched files from edited ones. */
export interface Lock {
  forgeVersion: string;
  manifestHash: string;
  modules: string[];
  /** Path → sha256 of the content forge generated (not of what is on disk now). */
  files: Record<string, string>;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function lockJson(lock: Lock): string {
  const files = Object.fromEntries(Object.entries(lock.files).sort(([a], [b]) => (a < b ? -1 : 1)));
  return `${JSON.stringify({ ...lock, files }, null, 2)}\n`;
}

export function parseLock(text: string): Lock {
  const lock = JSON.parse(text) as Partial<Lock>;
  if (typeof lock.forgeVersion !== 'string' || typeof lock.files !== 'object' || !Array.isArray(lock.modules)) {
    throw new Error('not a forge lock file');
  }
  return lock as Lock;
}
