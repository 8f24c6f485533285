import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { InputError, type Problem } from '../errors.js';
import type { EnvRef } from './env-ref.js';
import { locator, zodProblems, type Locate } from './problems.js';
import { checkResources, type Resource } from './resource-checks.js';
import { resourcesSchema } from './resource-schema.js';
import { moduleEntrySchema, modulesListSchema, topLevelSchema, type ModuleSource } from './schema.js';

export const maxManifestBytes = 1024 * 1024;

/** One module of a manifest, its config checked against that module's schema (src/generator/module-config.ts). */
export interface ManifestModule {
  name: string;
  /** Validated and defaulted; keys given as `${VAR}` without a default hold their schema default here. */
  config: Record<string, unknown>;
  /** Top-level config keys whose value the app reads from another environment variable. */
  envRefs: Record<string, EnvRef>;
}

export interface Manifest {
  name: string;
  description: string;
  database: 'sqlite' | 'postgres';
  /** Where modules from outside the catalogue come from (resolved against the manifest's folder). */
  moduleSources: ModuleSource[];
  modules: ManifestModule[];
  /** The app's own entities (`resources:`), in manifest order; none when left out. */
  resources?: Resource[];
  /** Resources marked `drop: true`: their tables go in the next migration. */
  droppedResources?: string[];
}

/**
 * A manifest as read, before its modules are looked up: what each module entry says is checked against that
 * module by the generator, which knows the modules (src/generator/manifest.ts).
 */
export interface ManifestDocument {
  /** The top level, when it is valid. */
  top?: Omit<Manifest, 'modules' | 'resources' | 'droppedResources'>;
  /** The `resources:` section, checked whole (each entry and every cross-reference). */
  resources: Resource[];
  droppedResources: string[];
  /** The entries of `modules:` in order: each well-formed one, or the problems of its shape. */
  entries: ({ index: number; name: string; config: Record<string, unknown> } | { index: number; problems: Problem[] })[];
  /** The problems found at the top level, all of them. */
  problems: Problem[];
  /** Points a problem at a path of the document (`forge.yaml:LINE:COL path: message`). */
  at: Locate;
}

/**
 * Parses a manifest's text and checks its shape. A text that is no YAML mapping throws an InputError at once;
 * every other problem is collected in `problems`, so the module checks that follow report theirs with them.
 * `positions: false` for a manifest forge wrote from flags: its problems name the path only.
 */
export function parseManifestDocument(text: string, file = 'forge.yaml', opts: { positions?: boolean } = {}): ManifestDocument {
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
  const entries: ManifestDocument['entries'] = [];
  (list.data ?? []).forEach((raw, index) => {
    const entry = moduleEntrySchema.safeParse(raw);
    if (!entry.success) return void entries.push({ index, problems: zodProblems(entry.error, at, ['modules', index], moduleEntrySchema) });
    entries.push({ index, name: entry.data.name, config: entry.data.config });
  });
  const rawResources = resourcesSchema.safeParse((data as { resources?: unknown }).resources);
  if (!rawResources.success) problems.push(...zodProblems(rawResources.error, at, ['resources'], resourcesSchema));
  const { resources, dropped, problems: resourceProblems } = checkResources(rawResources.data ?? {}, at);
  problems.push(...resourceProblems);
  return {
    resources,
    droppedResources: dropped,
    ...(top.success
      ? { top: { name: top.data.name, description: top.data.description, database: top.data.database, moduleSources: top.data.module_sources } }
      : {}),
    entries,
    problems,
    at,
  };
}

/**
 * Problems found after the manifest was read (a resource change the last generation cannot migrate to), located in
 * its text: `forge.yaml:LINE:COL resources.x.fields.y: ...`, at the key the dotted path ends with.
 */
export function locateProblems(text: string, problems: readonly Problem[], file = 'forge.yaml'): Problem[] {
  const lines = new LineCounter();
  const at = locator(parseDocument(text, { lineCounter: lines }), lines, file);
  return problems.map((p) => {
    if (p.path === undefined || p.line !== undefined) return p;
    const path = p.path.split('.');
    return at(path.slice(0, -1), p.message, path.at(-1));
  });
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
