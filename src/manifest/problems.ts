import { isMap, isPair, isScalar, type Document, type LineCounter } from 'yaml';
import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { didYouMean } from './suggest.js';

/** Turning zod issues and document paths into positioned problems: `forge.yaml:12:5 modules[1].config.x: …`. */

export type Path = (string | number)[];

function pathText(path: Path): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

export type Locate = (path: Path, message: string, key?: string) => Problem;

/**
 * Locates a document path, or the key of `key` inside it, as line and column. Without `positions` (a manifest
 * forge wrote itself from flags) only the path is given: its lines exist in no file the user can open.
 */
export function locator(doc: Document, lines: LineCounter, file: string, positions = true): Locate {
  return (path: Path, message: string, key?: string): Problem => {
    const where = pathText(key === undefined ? path : [...path, key]);
    if (!positions) return { file, path: where, message };
    let node: unknown = path.length ? doc.getIn(path, true) : doc.contents;
    for (let i = path.length; node === undefined && i > 0; i--) node = doc.getIn(path.slice(0, i - 1), true);
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (pair && isPair(pair)) node = pair.key;
    }
    const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0] ?? 0;
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col, path: where, message };
  };
}

/** The keys an object schema accepts at `path` inside `schema`, for "did you mean" on an unknown key. */
function keysAt(schema: z.ZodType, path: Path): string[] {
  let node: z.ZodType | undefined = schema;
  const step = (s: z.ZodType): z.ZodType => {
    const def = (s as unknown as { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } }).def;
    if (['default', 'optional', 'nullable', 'prefault'].includes(def.type) && def.innerType) return step(def.innerType);
    if (def.type === 'pipe' && def.in) return step(def.in);
    return s;
  };
  for (const p of path) {
    if (!node) return [];
    node = step(node);
    const def = (node as unknown as { def: { type: string; valueType?: z.ZodType } }).def;
    // A record's keys are names the user chose (resources, fields): past one, the record's value schema applies.
    if (def.type === 'record') node = def.valueType;
    else node = typeof p === 'number' ? (node as z.ZodArray).element : (node as z.ZodObject).shape?.[p];
  }
  const target = node && step(node);
  return target && 'shape' in target ? Object.keys((target as z.ZodObject).shape) : [];
}

export function zodProblems(error: z.ZodError, at: Locate, base: Path, schema: z.ZodType): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = [...base, ...(issue.path as Path)];
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, issue.path as Path);
      return issue.keys.map((k) => at(path, `unknown key${didYouMean(k, known)}`, k));
    }
    const message = issue.message.replace(/^Invalid (input|option): /, '');
    return [at(path, message.endsWith('received undefined') ? 'is required' : message)];
  });
}
