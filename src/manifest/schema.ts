import { z } from 'zod';

/** npm package name that is also a safe folder name: no scope, no path separators, no upper case. */
export const appName = z
  .string()
  .min(1, 'must not be empty')
  .max(214, 'must be at most 214 characters')
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'must be a lower-case npm package name that is also a folder name: letters, digits, ".", "_" and "-", starting with a letter or digit',
  );

/** The databases a manifest may choose (`database:`). */
export const databases = ['sqlite', 'postgres'] as const;
export type Database = (typeof databases)[number];

/** One entry of `modules:`; checked entry by entry so one bad entry hides nothing about the others. */
export const moduleEntrySchema = z
  .object({
    name: z.string().min(1),
    config: z.record(z.string(), z.unknown()).nullish().transform((c) => c ?? {}),
  })
  .strict();

/** The top level; `modules` and `resources` are checked on their own so a bad name or database still reports every module problem. */
export const topLevelSchema = z
  .object({
    name: appName,
    description: z.string().max(1000).default(''),
    database: z.enum(databases).default('sqlite'),
    modules: z.unknown().optional(),
    resources: z.unknown().optional(),
  })
  .strict();

export const modulesListSchema = z.array(z.unknown()).nullish().transform((m) => m ?? []);
