import { z } from 'zod';

/**
 * The manifest's shape. Every `describe` and `meta` here is what an editor shows on hover and completion: the JSON
 * Schema `forge schema` prints is derived from these schemas (json-schema.ts), never written by hand.
 */

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
    name: z.string().min(1).describe('The module: `forge modules` lists them, `forge info <module>` shows its config'),
    config: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((c) => c ?? {})
      .describe("The module's settings; each key also becomes an environment variable <MODULE>_<KEY> of the app"),
  })
  .strict();

/**
 * Where modules from outside forge's catalogue come from: a folder of the project, or an installed npm package.
 * One object with either key (not a union), so a wrong key is named as an unknown key; `oneOf` tells an editor.
 */
export const moduleSourceSchema = z
  .object({
    path: z
      .string()
      .regex(
        /^(?!\/)(?!(?:.*\/)?\.\.(?:\/|$))[A-Za-z0-9._/-]+$/,
        'must be a folder inside the project, relative to forge.yaml: letters, digits, ".", "_", "-" and "/", no ".."',
      )
      .optional()
      .describe('A folder of this project (relative to forge.yaml) holding one folder per module')
      .meta({ examples: ['forge-modules'] }),
    package: z
      .string()
      .regex(/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/, 'must be an npm package name')
      .optional()
      .describe("An npm package installed in this project's node_modules, holding one folder per module")
      .meta({ examples: ['@acme/forge-modules'] }),
  })
  .strict()
  .refine((s) => (s.path === undefined) !== (s.package === undefined), 'give either path or package')
  .meta({ oneOf: [{ required: ['path'] }, { required: ['package'] }] });
export type ModuleSource = z.infer<typeof moduleSourceSchema>;

/**
 * The top level; `modules` and `resources` are checked on their own so a bad name or database still reports every
 * module problem.
 */
export const topLevelSchema = z
  .object({
    name: appName.describe('npm package name and folder name of the app: lower case, no scope, no path').meta({ examples: ['saas-api'] }),
    description: z.string().max(1000).default('').describe("One line about the app: package.json's description and the README's first line"),
    database: z
      .enum(databases)
      .default('sqlite')
      .describe('What the app runs on in production: sqlite (one file on a volume, one replica) or postgres (a PostgreSQL service, any number of replicas)'),
    module_sources: z
      .array(moduleSourceSchema)
      .default([])
      .describe("Where modules from outside forge's catalogue come from; they are used exactly like the catalogue's own"),
    modules: z.unknown().optional(),
    resources: z
      .unknown()
      .optional()
      .describe("The app's own entities, by name: fields, relations, list options and permissions; each gets a tested CRUD API"),
  })
  .strict();

export const modulesListSchema = z
  .array(z.unknown())
  .nullish()
  .transform((m) => m ?? [])
  .describe('The modules of the app; the ones every app has are always included, and dependencies come along');
