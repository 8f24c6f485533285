/**
 * Make a manifest value safe where it lands. Each function returns text that, placed in its context, means
 * exactly the value and nothing more: quotes, backticks, `${}`, `*\/` and newlines cannot change the code.
 */

/**
 * A TypeScript/JavaScript string literal, quoted as Prettier (`singleQuote`) prints it: single quotes unless the
 * text holds more of them than double quotes. Built from JSON's escaping (valid JS); `<` escaped so `</script>`
 * stays inert too.
 */
export function tsString(value: unknown): string {
  const text = String(value ?? '');
  const json = JSON.stringify(text).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const count = (quote: string) => text.split(quote).length - 1;
  if (count("'") > count('"')) return json;
  // Escape pairs are taken whole, so `\\"` stays a backslash followed by a quote.
  const inner = json.slice(1, -1).replace(/\\.|'/g, (token) => (token === '\\"' ? '"' : token === "'" ? "\\'" : token));
  return `'${inner}'`;
}

const PRINT_WIDTH = 120;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Prettier always breaks an array of two or more objects (or arrays) that each have more than one entry. */
function alwaysBreaks(value: unknown[]): boolean {
  const sized = (item: unknown) => (Array.isArray(item) ? item.length : isObject(item) ? Object.keys(item).length : 0);
  const kind = (item: unknown) => (Array.isArray(item) ? 'array' : 'object');
  return value.length > 1 && value.every((item) => sized(item) > 1 && kind(item) === kind(value[0]));
}

const keyText = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : tsString(key));

/** Where a literal starts: `indent` spaces of its line, and the `column` its first character sits at. */
export interface LiteralLayout {
  indent: number;
  column: number;
  /** The line width it must fit (Prettier's printWidth, 120, unless told). */
  width?: number;
}

/**
 * A JSON-like value as a TypeScript literal, laid out as Prettier lays it out (trailing commas). Without a layout
 * it is printed on one line, as Prettier prints a short one; with one, it stays on one line when it fits in the
 * width from its `column` plus the comma after it, else one entry per line, `indent` spaces in.
 */
export function tsLiteral(value: unknown, layout?: LiteralLayout): string {
  if (typeof value === 'string') return tsString(value);
  const entries = Array.isArray(value)
    ? value.map((item) => ['', item] as const)
    : isObject(value)
      ? Object.entries(value).map(([key, item]) => [`${keyText(key)}: `, item] as const)
      : undefined;
  if (entries === undefined) return JSON.stringify(value) ?? 'undefined';
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const flat = entries.map(([prefix, item]) => `${prefix}${tsLiteral(item)}`).join(', ');
  const line = entries.length === 0 ? `${open}${close}` : Array.isArray(value) ? `[${flat}]` : `{ ${flat} }`;
  if (layout === undefined || entries.length === 0) return line;
  const { indent, column, width = PRINT_WIDTH } = layout;
  const breaks = Array.isArray(value) && alwaysBreaks(value);
  if (!breaks && column + line.length + 1 <= width) return line;
  const inner = indent + 2;
  const lines = entries.map(
    ([prefix, item]) =>
      `${' '.repeat(inner)}${prefix}${tsLiteral(item, { indent: inner, column: inner + prefix.length, width })},`,
  );
  return `${open}\n${lines.join('\n')}\n${' '.repeat(indent)}${close}`;
}

/** A YAML double-quoted scalar: JSON strings are valid YAML flow scalars. */
export function yamlString(value: unknown): string {
  return JSON.stringify(String(value ?? ''));
}

/** One line of text safe inside a `//` or `#` comment and inside a block comment. */
export function commentText(value: unknown): string {
  return String(value ?? '')
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/\*\//g, '* /')
    .trim();
}

/** Inline Markdown: one line, markup characters escaped, HTML inert. */
export function markdownInline(value: unknown): string {
  return commentText(value)
    .replace(/[\\`*_{}[\]()#+!|~>-]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;');
}

/** A Dockerfile LABEL/ENV value: a double-quoted string on one line. */
export function dockerString(value: unknown): string {
  return `"${commentText(value).replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

const reserved = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval'.split(' '),
);

/** A valid identifier derived from the value: never empty, never starting with a digit, never a reserved word. */
export function identifier(value: unknown): string {
  const id = String(value ?? '').replace(/[^A-Za-z0-9_$]/g, '_');
  if (!/^[A-Za-z_$]/.test(id)) return `_${id}`;
  return reserved.has(id) ? `${id}_` : id;
}
