import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { moduleContractVersion, moduleTiers, type ModuleDescriptor } from '../define-module.js';
import { images } from '../images.js';
import { databases } from '../../manifest/schema.js';

/**
 * The checks a descriptor from outside the catalogue passes before forge uses it. TypeScript checks the
 * catalogue's at forge's build; these are checked when loaded, each failure naming the module and its file.
 */

const variableName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)');
const envVar = z.looseObject({
  name: variableName,
  description: z.string().min(1),
  kind: z.enum(['string', 'url', 'number', 'integer', 'boolean', 'list', 'enum']),
});
const packageName = z.string().regex(/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/, 'must be an npm package name');

const descriptorShape = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case: lower-case letters, digits and _'),
    contract: z.number().int(),
    summary: z.string().min(1),
    tier: z.enum(moduleTiers),
    status: z.literal('implemented'),
    dependsOn: z.array(z.string()),
    config: z.instanceof(z.ZodObject, { message: "must be a zod object (z.object({...}) from 'zod' or 'platform-forge/module')" }),
    dependencies: z.array(packageName).optional(),
    devDependencies: z.array(packageName).optional(),
    catalogue: z.record(packageName, z.string().min(1)).optional(),
    env: z.array(envVar).optional(),
    compose: z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function', 'must be a function of the app settings').optional(),
    composeUses: z.array(z.string()).optional(),
    filesWhen: z.record(z.string(), z.looseObject({})).optional(),
    generateOnly: z.array(z.string()).optional(),
    secretKeys: z.array(z.string()).optional(),
    testEnv: z.record(z.string(), z.string()).optional(),
    tables: z.array(z.string()).optional(),
    scripts: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** The paths of a folder's files, relative and with forward slashes, in order. */
export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'))
      .sort();
  } catch {
    return [];
  }
}

const fail = (file: string, name: string, messages: string[]) =>
  new InputError('module-invalid', messages.map((message) => ({ file, message: `module ${name}: ${message}` })));

/**
 * The descriptor a module file exported, checked: the contract version first (a module written for another
 * version may have another shape), then its shape, its packages against the catalogue, and its files.
 */
export function checkDescriptor(loaded: unknown, folderName: string, file: string, dir: string, catalogue: Readonly<Record<string, string>>): ModuleDescriptor {
  if (loaded === null || typeof loaded !== 'object') throw fail(file, folderName, ['the file must `export default defineModule({...})`']);
  const contract = (loaded as { contract?: unknown }).contract;
  if (contract !== moduleContractVersion) {
    throw fail(file, folderName, [
      contract === undefined
        ? `states no module contract version; add \`contract: ${moduleContractVersion}\` (the version this forge speaks) once it is written for it`
        : `was written for module contract ${String(contract)}, and this forge speaks contract ${moduleContractVersion}; use a forge that speaks ${String(contract)}, or update the module`,
    ]);
  }
  const parsed = descriptorShape.safeParse(loaded);
  if (!parsed.success) {
    throw fail(file, folderName, parsed.error.issues.map((i) => `${i.path.join('.') || 'descriptor'}: ${i.code === 'unrecognized_keys' ? `unknown key ${i.keys.join(', ')}` : i.message}`));
  }
  const d = loaded as ModuleDescriptor;
  const problems: string[] = [];
  if (d.name !== folderName) problems.push(`its name ${d.name} differs from its folder ${folderName}`);
  for (const p of [...(d.dependencies ?? []), ...(d.devDependencies ?? [])]) {
    if (catalogue[p] === undefined && d.catalogue?.[p] === undefined) {
      problems.push(`package ${p} is not in forge's catalogue; give its version in the descriptor's \`catalogue\``);
    }
  }
  for (const [service, s] of Object.entries(safeCompose(d))) {
    if (s.image !== undefined && !Object.hasOwn(images, String(s.image))) problems.push(`compose service ${service}: image ${String(s.image)} is not in forge's image catalogue`);
  }
  // Its own folder of the app, nothing else: every file beyond it (package.json, config.ts, compose, README) is
  // fed through the descriptor, where forge merges it with the other modules' contributions.
  const own = `src/modules/${d.name}/`;
  for (const path of filesUnder(join(dir, 'files'))) {
    const output = path.replace(/\.hbs$/, '');
    if (!output.startsWith(own)) problems.push(`files/${path} would write ${output}, outside the module's own folder ${own}`);
  }
  for (const path of Object.keys(d.filesWhen ?? {})) {
    if (!path.startsWith(own)) problems.push(`filesWhen names ${path}, outside the module's own folder ${own}`);
  }
  if (problems.length) throw fail(file, folderName, problems);
  return d;
}

function safeCompose(d: ModuleDescriptor): Record<string, { image?: unknown }> {
  const all: Record<string, { image?: unknown }> = {};
  for (const database of databases) Object.assign(all, d.compose?.({ database }) ?? {});
  return all;
}
