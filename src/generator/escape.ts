/**
 * Make a manifest value safe where it lands. Each function returns text that, placed in its context, means
 * exactly the value and nothing more: quotes, backticks, `${}`, `*\/` and newlines cannot change the code.
 */

/** A TypeScript/JavaScript string literal (JSON is valid JS; `<` escaped so `</script>` stays inert too). */
export function tsString(value: unknown): string {
  return JSON.stringify(String(value ?? '')).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
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

/** A valid identifier derived from the value (never a keyword-looking or empty name). */
export function identifier(value: unknown): string {
  const id = String(value ?? '').replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[A-Za-z_$]/.test(id) ? id : `_${id}`;
}
