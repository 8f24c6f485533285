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

export const manifestSchema = z
  .object({
    name: appName,
    description: z.string().max(1000).default(''),
    database: z.enum(['sqlite', 'postgres']).default('sqlite'),
    modules: z
      .array(
        z
          .object({
            name: z.string().min(1),
            config: z.record(z.string(), z.unknown()).nullish().transform((c) => c ?? {}),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type RawManifest = z.infer<typeof manifestSchema>;
