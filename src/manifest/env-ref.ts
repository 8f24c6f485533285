/** `${VAR}` or `${VAR:-default}`: a value the generated app reads from its environment at run time. */
export interface EnvRef {
  env: string;
  default?: string;
}

const whole = /^\$\{([A-Z_][A-Z0-9_]*)(?::-(.*))?\}$/s;
const anywhere = /\$\{[^}]*\}/;

export function parseEnvRef(value: unknown): EnvRef | undefined {
  if (typeof value !== 'string') return undefined;
  const m = whole.exec(value);
  if (!m) return undefined;
  return m[2] === undefined ? { env: m[1] as string } : { env: m[1] as string, default: m[2] };
}

/** A string that mentions `${...}` without being exactly one reference: refused, it would half-interpolate. */
export function looksLikeEnvRef(value: unknown): boolean {
  return typeof value === 'string' && anywhere.test(value);
}

/**
 * The JSON Schema pattern of a whole reference, as `parseEnvRef` reads one, refusing the variables in `refused`
 * (a module's secrets: config values are not secret); `withDefault: false` refuses `${VAR:-default}` too.
 */
export function envRefPattern(refused: readonly string[], withDefault = true): string {
  const not = refused.length ? `(?!(?:${[...refused].sort().join('|')})(?::-|\\}))` : '';
  return `^\\$\\{${not}[A-Z_][A-Z0-9_]*${withDefault ? '(?::-[\\s\\S]*)?' : ''}\\}$`;
}
