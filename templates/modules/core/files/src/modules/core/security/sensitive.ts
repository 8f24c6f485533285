/** Fields no module may ever send, whatever a handler returns. Modules add theirs through `sensitiveFields`. */
export const CORE_SENSITIVE_FIELDS = ['password', 'passwordHash'] as const;

export type JsonReplacer = (key: string, value: unknown) => unknown;

/**
 * A `JSON.stringify` replacer, installed as Express's `json replacer`, so every `res.json` (success or problem)
 * drops the sensitive keys at any depth without walking the object twice.
 */
export function sensitiveFieldReplacer(fields: Iterable<string>): JsonReplacer {
  const hidden = new Set(fields);
  return (key, value) => (hidden.has(key) ? undefined : value);
}
