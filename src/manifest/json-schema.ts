import { z } from 'zod';
import { envRefPattern } from './env-ref.js';
import { prettierJson } from './json-text.js';
import { resourceSchema, snakeName } from './resource-schema.js';
import { moduleEntrySchema, modulesListSchema, topLevelSchema } from './schema.js';

/**
 * The JSON Schema of forge.yaml, derived from the zod schemas that validate it: the top level and a module entry
 * from schema.ts, each module's `config` from its descriptor. An editor with the YAML language server reads it for
 * completion, hover docs and errors as you type; it accepts everything `forge validate` accepts (checks zod cannot
 * express in JSON Schema, such as refinements or a module listed twice, are left to forge).
 */

type JsonSchema = Record<string, unknown>;

/** What the schema needs to know of one selectable module; the generator fills it from the descriptor. */
export interface SchemaModule {
  name: string;
  summary: string;
  config: z.ZodObject;
  /** Config keys whose value may be a `${VAR}` reference (top-level keys the app reads from its environment). */
  envKeys: readonly string[];
  /** Config keys that hold a secret: only a `${VAR}` reference, without a default. */
  secretKeys: readonly string[];
}

const target = 'draft-7' as const;

/** zod → JSON Schema as the manifest's input (defaults optional); transforms and refinements cannot be shown. */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', target, unrepresentable: 'any' }) as JsonSchema;
  if ('definitions' in json) throw new Error('a manifest schema with shared definitions cannot be inlined');
  return json;
}

/**
 * A config key's schema that also takes `${VAR}` or `${VAR:-default}` (never a secret variable of a module). The
 * description stays on the key, and says so: an editor shows a branch's description instead when it has one.
 */
function withEnvRef(key: JsonSchema, secrets: readonly string[]): JsonSchema {
  const { description, default: defaultValue, ...rest } = key;
  const fromEnv = 'or ${VAR} / ${VAR:-default}, read from the environment at run time';
  return {
    description: typeof description === 'string' && description !== '' ? `${description} (${fromEnv})` : fromEnv,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
    anyOf: [rest, { type: 'string', pattern: envRefPattern(secrets) }],
  };
}

/**
 * Every string of a schema refuses `${`: forge takes a reference only as the whole value of a key that allows it
 * (withEnvRef's branch), never inside a string, where it would half-interpolate.
 */
function noEnvRefInside(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(noEnvRefInside);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'default' || k === 'examples' ? v : noEnvRefInside(v)]));
  return out.type === 'string' && out.not === undefined ? { ...out, not: { pattern: '\\$\\{' } } : out;
}

/** A secret config key's schema: a `${VAR}` reference alone, never a value or a default. */
function secretRef(key: JsonSchema, secrets: readonly string[]): JsonSchema {
  const fromEnv = '${VAR} only: a secret, read from the environment at run time';
  const description = typeof key.description === 'string' && key.description !== '' ? `${key.description} (${fromEnv})` : fromEnv;
  return { description, type: 'string', pattern: envRefPattern(secrets, false) };
}

function configSchema(module: SchemaModule, secrets: readonly string[]): JsonSchema {
  const json = noEnvRefInside(toJsonSchema(module.config)) as JsonSchema;
  const keySchema = (key: string, s: JsonSchema) =>
    module.secretKeys.includes(key) ? secretRef(s, secrets) : module.envKeys.includes(key) ? withEnvRef(s, secrets) : s;
  const properties = Object.fromEntries(Object.entries((json.properties ?? {}) as Record<string, JsonSchema>).map(([key, s]) => [key, keySchema(key, s)]));
  return { ...json, properties };
}

/** One entry of `modules:`: its name is one of the modules, its config is checked against that module's schema. */
function moduleEntry(modules: readonly SchemaModule[], secrets: readonly string[]): JsonSchema {
  const entry = toJsonSchema(moduleEntrySchema);
  const props = entry.properties as Record<string, JsonSchema>;
  return {
    ...entry,
    properties: {
      ...props,
      name: { ...props.name, oneOf: modules.map((m) => ({ const: m.name, description: m.summary })) },
    },
    allOf: modules.map((m) => ({
      if: { properties: { name: { const: m.name } }, required: ['name'] },
      then: { properties: { config: { description: props.config?.description, anyOf: [{ type: 'null' }, configSchema(m, secrets)] } } },
    })),
  };
}

/**
 * The whole schema. `modules` lists the modules a manifest may select (implemented ones, in name order); `secrets`
 * the variables a `${VAR}` may not name.
 */
export function manifestJsonSchema(modules: readonly SchemaModule[], secrets: readonly string[]): JsonSchema {
  const top = toJsonSchema(topLevelSchema);
  const list = toJsonSchema(modulesListSchema);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'forge.yaml',
    description: 'The manifest a Platform Forge app is generated from. Edit it, then run `forge generate`.',
    ...top,
    properties: {
      ...(top.properties as Record<string, JsonSchema>),
      modules: { description: list.description, type: ['array', 'null'], items: moduleEntry(modules, secrets) },
      resources: {
        description: topLevelSchema.shape.resources.description,
        type: ['object', 'null'],
        propertyNames: { pattern: snakeName.source },
        additionalProperties: toJsonSchema(resourceSchema),
      },
    },
  };
}

/** Serialized with a final newline: the file forge keeps at .forge/forge.schema.json. */
export const manifestJsonSchemaText = (modules: readonly SchemaModule[], secrets: readonly string[]) =>
  prettierJson(manifestJsonSchema(modules, secrets));
