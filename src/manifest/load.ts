import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { InputError, type Problem } from '../errors.js';
import type { Registry } from '../generator/registry.js';
import { checkModuleConfig, secretVariables, type ManifestModule } from './module-config.js';
import { locator, zodProblems } from './problems.js';
import { moduleEntrySchema, modulesListSchema, topLevelSchema } from './schema.js';
import { didYouMean } from './suggest.js';

export type { ManifestModule } from './module-config.js';

export const maxManifestBytes = 1024 * 1024;

export interface Manifest {
  name: string;
  description: string;
  database: 'sqlite' | 'postgres';
  modules: ManifestModule[];
}

/**
 * Parses and validates a manifest's text; every problem is reported at once as an InputError. `positions: false`
 * for a manifest forge wrote from flags: its problems name the path only.
 */
export function parseManifest(text: string, registry: Registry, file = 'forge.yaml', opts: { positions?: boolean } = {}): Manifest {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const at = locator(doc, lines, file, opts.positions ?? true);
  if (doc.errors.length) {
    throw new InputError(
      'manifest-syntax',
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, message: `not valid YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError('manifest-alias', [{ file, message: `refused: ${(e as Error).message}` }]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError('manifest-shape', [at([], 'a manifest must be a YAML mapping with name and modules')]);
  }
  const problems: Problem[] = [];
  const top = topLevelSchema.safeParse(data);
  if (!top.success) problems.push(...zodProblems(top.error, at, [], topLevelSchema));
  const list = modulesListSchema.safeParse((data as { modules?: unknown }).modules);
  if (!list.success) problems.push(...zodProblems(list.error, at, ['modules'], modulesListSchema));
  const seen = new Map<string, number>();
  const secrets = secretVariables(registry);
  const modules: ManifestModule[] = [];
  (list.data ?? []).forEach((raw, i) => {
    const entry = moduleEntrySchema.safeParse(raw);
    if (!entry.success) return void problems.push(...zodProblems(entry.error, at, ['modules', i], moduleEntrySchema));
    const { name } = entry.data;
    const registered = registry.get(name);
    if (!registered) {
      return void problems.push(at(['modules', i, 'name'], `unknown module '${name}'${didYouMean(name, registry.keys())}; \`forge modules\` lists them`));
    }
    if (seen.has(name)) return void problems.push(at(['modules', i, 'name'], `module '${name}' is listed twice (also modules[${seen.get(name)}])`));
    seen.set(name, i);
    if (registered.descriptor.status !== 'implemented') {
      return void problems.push(at(['modules', i, 'name'], `module '${name}' is not implemented yet (planned); \`forge modules\` shows what is available`));
    }
    const checked = checkModuleConfig(registered, entry.data.config, ['modules', i, 'config'], at, secrets);
    if (Array.isArray(checked)) problems.push(...checked);
    else modules.push(checked);
  });
  if (problems.length || !top.success) throw new InputError('manifest-invalid', problems);
  return { name: top.data.name, description: top.data.description, database: top.data.database, modules };
}

/**
 * Reads a manifest's text with the checks every command needs before parsing: it exists and is a file, at most
 * 1 MiB, not binary. `missing` is the hint printed when there is no such file.
 */
export function readManifestText(path: string, missing = 'no such file'): string {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InputError('manifest-missing', [{ file: path, message: missing }]);
  }
  if (!stat.isFile()) throw new InputError('manifest-missing', [{ file: path, message: 'is not a file' }]);
  if (stat.size > maxManifestBytes) {
    throw new InputError('manifest-too-large', [{ file: path, message: `is ${stat.size} bytes; a manifest may be at most 1 MiB` }]);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError('manifest-unreadable', [{ file: path, message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` }]);
  }
  if (text.includes('\0')) throw new InputError('manifest-binary', [{ file: path, message: 'is not a text file' }]);
  return text;
}

/** The manifest of an existing project: the one every command run inside a project reads. */
export function readProjectManifestText(dir: string): string {
  return readManifestText(join(dir, 'forge.yaml'), `no such file: ${dir === '.' ? 'this folder' : dir} is not a forge project (\`forge new\` creates one; --dir points to one)`);
}

export function readManifest(path: string, registry: Registry): Manifest {
  return parseManifest(readManifestText(path), registry, path);
}
