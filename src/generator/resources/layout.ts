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
  return `${pad}${head}[\n${items.map((item) => `${pad}  ${item},\n`).join('')}${pad}]${tail}`;
}

/** `import { a, b } from 'x';`, or one name per line when it is too long. Names are sorted as written. */
export function importLine(names: readonly string[], from: string, typeOnly = false): string {
  const head = `import ${typeOnly ? 'type ' : ''}`;
  const line = `${head}{ ${names.join(', ')} } from '${from}';`;
  if (line.length <= printWidth) return line;
  return `${head}{\n${names.map((name) => `  ${name},\n`).join('')}} from '${from}';`;
}

/** The names of `candidates` that `text` uses as identifiers. */
export function usedNames(candidates: readonly string[], text: string): string[] {
  // Not a property (`x.name`), but a spread (`...name`) is a use.
  return candidates.filter((name) => new RegExp(`(?<![\\w$])(?<!(?:^|[^.])\\.)${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(text));
}
