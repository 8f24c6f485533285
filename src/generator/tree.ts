import { GenerateError } from '../errors.js';

/**
 * The in-memory project: posix relative paths to contents. Nothing reaches the disk until commit.
 * Writing the content already there records no change, so a re-run is a no-op by construction.
 */
export class Tree {
  private readonly files = new Map<string, string>();

  static normalize(path: string): string {
    if (path.includes('\0')) throw new GenerateError('bad-path', path, 'NUL byte in path');
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\')) {
      throw new GenerateError('bad-path', path, 'absolute or non-posix path refused');
    }
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 0 || parts.includes('..')) throw new GenerateError('bad-path', path, 'path escapes the project');
    return parts.join('/');
  }

  exists(path: string): boolean {
    return this.files.has(Tree.normalize(path));
  }

  read(path: string): string {
    const content = this.files.get(Tree.normalize(path));
    if (content === undefined) throw new GenerateError('missing-file', path, 'no such file in the generated tree');
    return content;
  }

  /** Returns whether the content changed. */
  write(path: string, content: string): boolean {
    const key = Tree.normalize(path);
    if (this.files.get(key) === content) return false;
    this.files.set(key, content);
    return true;
  }

  delete(path: string): boolean {
    return this.files.delete(Tree.normalize(path));
  }

  /** Every path, sorted, so anything built from a tree is deterministic. */
  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  entries(): [string, string][] {
    return this.paths().map((p) => [p, this.files.get(p) as string]);
  }
}
