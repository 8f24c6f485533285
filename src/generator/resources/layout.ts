import { tsString } from '../escape.js';
import { printWidth } from '../wire.js';

/*
 * Lists whose length depends on the manifest, laid out the way Prettier prints them (printWidth 120, trailing
 * commas), so a generated resource needs no formatter run and passes the app's Prettier check as it is.
 */

/** Whether Prettier always breaks this array: two or more elements, every one an object with several entries. */
function alwaysBreaks(items: readonly string[]): boolean {
  return items.length > 1 && items.every((item) => item.startsWith('{ ') && item.includes(', '));
}

/**
 * `head[a, b]tail` on one line at `indent` when it fits, else one element per line. `head` holds what comes
 * before the bracket on the same line (`columns: `), `tail` what follows it (`,`).
 */
export function printArray(indent: number, head: string, items: readonly string[], tail: string): string {
  const pad = ' '.repeat(indent);
  const line = `${pad}${head}[${items.join(', ')}]${tail}`;
  if (items.length === 0 || (line.length <= printWidth && !alwaysBreaks(items))) return line;
  return `${pad}${head}[\n${items.map((item) => `${element(item, indent + 2)},\n`).join('')}${pad}]${tail}`;
}

/** The top-level entries of an object literal's text `{ a: 1, b: [2, 3] }`. */
export function entriesOf(object: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 2;
  for (let i = 2; i < object.length - 2; i++) {
    const c = object[i] as string;
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      entries.push(object.slice(start, i).trim());
      start = i + 1;
    }
  }
  entries.push(object.slice(start, object.length - 2).trim());
  return entries;
}

/** One element of a broken array: on its line when it fits, else an object literal with one entry per line. */
function element(item: string, indent: number): string {
  const pad = ' '.repeat(indent);
  if (indent + item.length + 1 <= printWidth || !item.startsWith('{ ') || !item.endsWith(' }')) return `${pad}${item}`;
  return `${pad}{\n${entriesOf(item).map((entry) => `${pad}  ${entry},\n`).join('')}${pad}}`;
}

/** `head{ a: 1, b: 2 }tail` on one line at `indent` when it fits, else one entry per line. */
export function printObject(indent: number, head: string, entries: readonly string[], tail: string): string {
  const pad = ' '.repeat(indent);
  const line = `${pad}${head}{ ${entries.join(', ')} }${tail}`;
  if (entries.length === 0) return `${pad}${head}{}${tail}`;
  if (line.length <= printWidth) return line;
  return `${pad}${head}{\n${entries.map((entry) => `${pad}  ${entry},\n`).join('')}${pad}}${tail}`;
}

/** `import { a, b } from 'x';`, or one name per line when it is too long. Names are sorted as written. */
export function importLine(names: readonly string[], from: string, typeOnly = false): string {
  const head = `import ${typeOnly ? 'type ' : ''}`;
  const line = `${head}{ ${names.join(', ')} } from '${from}';`;
  // Prettier keeps a lone specifier on its line however long.
  if (line.length <= printWidth || names.length === 1) return line;
  return `${head}{\n${names.map((name) => `  ${name},\n`).join('')}} from '${from}';`;
}

/** The names of `candidates` that `text` uses as identifiers. */
export function usedNames(candidates: readonly string[], text: string): string[] {
  // Not a property (`x.name`), but a spread (`...name`) is a use.
  return candidates.filter((name) => new RegExp(`(?<![\\w$])(?<!(?:^|[^.])\\.)${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(text));
}

