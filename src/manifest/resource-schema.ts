import { z } from 'zod';

/*
 * The shape of the manifest's `resources:` section: the app's own entities. What one entry says about another (a
 * relation's target, a sortable field) is checked in resource-checks.ts, with positions.
 */

export const fieldTypes = ['string', 'text', 'integer', 'decimal', 'boolean', 'date', 'datetime', 'enum', 'json', 'uuid', 'email', 'url'] as const;
export type FieldType = (typeof fieldTypes)[number];

export const relationTypes = ['many_to_one', 'one_to_many', 'one_to_one', 'many_to_many'] as const;
export type RelationType = (typeof relationTypes)[number];

export const onDeleteActions = ['cascade', 'restrict', 'set_null'] as const;
export type OnDelete = (typeof onDeleteActions)[number];

export const resourceActions = ['list', 'read', 'create', 'update', 'delete'] as const;
export type ResourceAction = (typeof resourceActions)[number];

/** The kinds of personal data a field may hold (privacy's data categories): `personal: <category>` names one. */
export const personalCategories = ['contact', 'identity', 'financial', 'behavioural', 'content'] as const;
export type PersonalCategory = (typeof personalCategories)[number];

/** The most digits a decimal may hold: SQLite keeps 15 significant digits of a NUMERIC exactly, PostgreSQL more. */
export const maxDecimalPrecision = 15;
/** The longest `string` (varchar) a field may declare; longer text is a `text` field. */
export const maxStringLength = 10_000;
/** The longest `text` a request may carry, so a body cannot fill the database. */
export const maxTextLength = 1_000_000;

/** snake_case, starting with a letter: becomes a camelCase property, column and JSON key. */
export const snakeName = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const fieldSchema = z
  .object({
    type: z.enum(fieldTypes),
    description: z.string().max(500).optional(),
    required: z.boolean().default(false),
    /** Unique among the rows of one tenant (of the whole table for a global resource). */
    unique: z.boolean().default(false),
    index: z.boolean().default(false),
    default: scalar.optional(),
    /** A valid value, for the generated tests: needed by a `pattern` field without a default. */
    example: scalar.optional(),
    max_length: z.number().int().min(1).max(maxTextLength).optional(),
    min_length: z.number().int().min(0).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    pattern: z.string().min(1).max(500).optional(),
    precision: z.number().int().min(1).max(maxDecimalPrecision).optional(),
    scale: z.number().int().min(0).max(maxDecimalPrecision).optional(),
    /** The field's name before a rename: forge renames the column instead of dropping one and adding another. */
    renamed_from: z.string().regex(snakeName, 'must be snake_case').optional(),
    /** Allows a change of this field's column that can lose data (shorter, fewer digits, fewer enum values): see migration-changes. */
    narrow: z.boolean().optional(),
    /** The value rows that have none get once, when this field becomes required (a `default` serves too). */
    backfill: scalar.optional(),
    values: z.array(z.string().regex(/^[A-Za-z0-9_.-]{1,63}$/, 'a value is 1 to 63 letters, digits, "_", "." or "-"')).min(1).optional(),
    // Privacy (see resource-runtime-checks.ts): what the field holds about a person, and whether it is write-only.
    /** Personal data about the row's subject: `true`, or its category (contact, identity, financial, behavioural, content). */
    personal: z
      .union([z.literal(true), z.enum(personalCategories)], { error: `is true or one of ${personalCategories.join(', ')}` })
      .optional(),
    /** Write-only: never in a response, an export or a log line (a secret, a national id number). */
    sensitive: z.boolean().default(false),
  })
  .strict();
export type FieldSpec = z.output<typeof fieldSchema>;

export const relationSchema = z
  .object({
    type: z.enum(relationTypes),
    /** The resource the relation points to (by its name under `resources:`). */
    resource: z.string().min(1),
    required: z.boolean().default(false),
    on_delete: z.enum(onDeleteActions).optional(),
    /** one_to_many only: the many_to_one relation of `resource` that points back here. */
    inverse: z.string().optional(),
    description: z.string().max(500).optional(),
  })
  .strict();
export type RelationSpec = z.output<typeof relationSchema>;

const permission = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(:[a-z][a-z0-9_]*)+$/, 'a permission is `resource:action`: lower-case words joined by ":"');

export const resourceSchema = z
  .object({
    description: z.string().max(500).optional(),
    /** The name of one row, when the resource's name is not a plural ending in "s" (`people` → `person`). */
    singular: z.string().regex(snakeName, 'must be snake_case').optional(),
    scope: z.enum(['tenant', 'global']).default('tenant'),
    soft_delete: z.boolean().default(false),
    /** An optimistic-lock `version` column: an update must name the version it read, else 409. */
    versioned: z.boolean().default(false),
    fields: z.record(z.string(), fieldSchema).refine((f) => Object.keys(f).length > 0, 'a resource needs at least one field'),
    relations: z.record(z.string(), relationSchema).nullish().transform((r) => r ?? {}),
    sortable: z.array(z.string()).default([]),
    filterable: z.array(z.string()).default([]),
    searchable: z.array(z.string()).default([]),
    // Reading (see resource-runtime-checks.ts): what `?expand=` may load, and whose personal data a row holds.
    /** Relations a read may expand (`?expand=assignee`): many_to_one, one_to_one and many_to_many only. */
    expandable: z.array(z.string()).default([]),
    /** The field holding the id of the account a row is about (its personal fields belong to that person). */
    subject: z.string().optional(),
    permissions: z
      .object(Object.fromEntries(resourceActions.map((a) => [a, permission.optional()])) as Record<ResourceAction, z.ZodOptional<typeof permission>>)
      .strict()
      .default({}),
  })
  .strict();
export type ResourceSpec = z.output<typeof resourceSchema>;

export const resourcesSchema = z.record(z.string(), z.unknown()).nullish().transform((r) => r ?? {});
