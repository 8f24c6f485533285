/*
 * The canonical JSON form of RFC 8785 (JCS) for the values an audit record holds: object keys sorted by UTF-16
 * code units (JavaScript's default string order), no whitespace, and strings and numbers written exactly as
 * ECMAScript's JSON.stringify writes them, which is what RFC 8785 prescribes. Values outside JSON (undefined,
 * NaN, Infinity, functions, bigints) are refused rather than silently dropped, so a hash never covers less than
 * the record says.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON: numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON: a ${typeof value} is not JSON`);
}
