import path from 'node:path';
import { HttpError } from '../http/problem.js';

/**
 * Resolves a user-supplied relative path inside `root`. Refuses NUL bytes, absolute paths (POSIX, Windows
 * drive or UNC), and any `..` that would climb out of `root`. Returns the absolute, normalised path.
 */
export function safeJoin(root: string, userPath: string): string {
  if (userPath.length === 0) throw new HttpError(400, { detail: 'The path is empty.' });
  if (userPath.includes('\0')) throw new HttpError(400, { detail: 'The path contains a NUL byte.' });
  if (path.isAbsolute(userPath) || path.win32.isAbsolute(userPath) || /^[A-Za-z]:/.test(userPath)) {
    throw new HttpError(400, { detail: 'Absolute paths are not accepted.' });
  }
  const base = path.resolve(root);
  // Backslashes are separators on Windows and a classic way to sneak `..\` past POSIX-only checks.
  const resolved = path.resolve(base, userPath.replaceAll('\\', '/'));
  const relative = path.relative(base, resolved);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new HttpError(400, { detail: 'The path leaves its folder.' });
  }
  return resolved;
}
