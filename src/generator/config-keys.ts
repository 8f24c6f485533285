import { z } from 'zod';
import type { EnvKind } from './define-module.js';

/** One key of a module's manifest config, as `forge info` shows it and as its environment variable reads it. */
export interface ConfigKey {
  key: string;
  /** 'json' keys (objects, lists of objects) are not overridable from the environment. */
  kind: EnvKind | 'json';
  values?: string[];
  default?: unknown;
  description: string;
  /** Numeric bounds of the schema, carried to the environment variable so an override cannot step outside them. */
  minimum?: number;
  maximum?: number;
}

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  items?: JsonSchema;
  default?: unknown;
  description?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonSchema>;
}

function kindOf(s: JsonSchema): ConfigKey['kind'] {
  if (s.enum) return 'enum';
  if (s.type === 'array') return s.items?.type === 'object' || s.items?.type === 'array' ? 'json' : 'list';
  if (s.type === 'string') return s.format === 'uri' ? 'url' : 'string';
  if (s.type === 'number' || s.type === 'integer' || s.type === 'boolean') return s.type;
  return 'json';
}

export function configKeys(schema: z.ZodObject): ConfigKey[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return Object.entries(json.properties ?? {}).map(([key, s]) => ({
    key,
    kind: kindOf(s),
    ...(s.enum ? { values: s.enum.map(String) } : {}),
    ...(s.default !== undefined ? { default: s.default } : {}),
    description: s.description ?? '',
    // zod's int() reports the safe-integer range as bounds: not worth repeating in every schema.
    ...(s.minimum !== undefined && s.minimum > Number.MIN_SAFE_INTEGER ? { minimum: s.minimum } : {}),
    ...(s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? { maximum: s.maximum } : {}),
  }));
}

/** Reads an environment string the way the generated app will, so a manifest's `${VAR:-default}` is checked now. */
export function coerceEnvString(kind: ConfigKey['kind'], raw: string): unknown {
  switch (kind) {
    case 'number':
    case 'integer':
      return raw.trim() === '' ? raw : Number(raw);
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'list':
      return raw === '' ? [] : raw.split(',').map((s) => s.trim());
    default:
      return raw;
  }
}
