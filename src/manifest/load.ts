import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError, type Problem } from '../errors.js';
import { coerceEnvString, configKeys } from '../generator/config-keys.js';
import type { Registry } from '../generator/registry.js';
import { looksLikeEnvRef, parseEnvRef, type EnvRef } from './env-ref.js';
import { manifestSchema } from './schema.js';
import { didYouMean } from './suggest.js';

export const maxManifestBytes = 1024 * 1024;

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
  modules: ManifestModule[];
}

type Path = (string | number)[];

function pathText(path: Path): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

/** Locates a document path, or the key of `key` inside it, as line and column. */
function locator(doc: Document, lines: LineCounter, file: string) {
  return (path: Path, message: string, key?: string): Problem => {
    let node: unknown = path.length ? doc.getIn(path, true) : doc.contents;
    for (let i = path.length; node === undefined && i > 0; i--) node = doc.getIn(path.slice(0, i - 1), true);
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (pair && isPair(pair)) node = pair.key;
    }
    const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0] ?? 0;
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col, path: pathText(key === undefined ? path : [...path, key]), message };
  };
}

/** The keys an object schema accepts at `path` inside `schema`, for "did you mean" on an unknown key. */
function keysAt(schema: z.ZodType, path: Path): string[] {
  let node: z.ZodType | undefined = schema;
  const step = (s: z.ZodType): z.ZodType => {
    const def = (s as unknown as { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } }).def;
    if (['default', 'optional', 'nullable', 'prefault'].includes(def.type) && def.innerType) return step(def.innerType);
    if (def.type === 'pipe' && def.in) return step(def.in);
    return s;
  };
  for (const p of path) {
    if (!node) return [];
    node = step(node);
    node = typeof p === 'number' ? (node as z.ZodArray).element : (node as z.ZodObject).shape?.[p];
  }
  const target = node && step(node);
  return target && 'shape' in target ? Object.keys((target as z.ZodObject).shape) : [];
}

function zodProblems(error: z.ZodError, at: ReturnType<typeof locator>, base: Path, schema: z.ZodType): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = [...base, ...(issue.path as Path)];
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, issue.path as Path);
      return issue.keys.map((k) => at(path, `unknown key${didYouMean(k, known)}`, k));
    }
    const message = issue.message.replace(/^Invalid (input|option): /, '');
    return [at(path, message.endsWith('received undefined') ? 'is required' : message)];
  });
}

/** Parses and validates a manifest's text; every problem is reported at once as an InputError. */
export function parseManifest(text: string, registry: Registry, file = 'forge.yaml'): Manifest {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const at = locator(doc, lines, file);
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
  const top = manifestSchema.safeParse(data);
  if (!top.success) {
    throw new InputError('manifest-invalid', zodProblems(top.error, at, [], manifestSchema));
  }

  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  const modules: ManifestModule[] = [];
  top.data.modules.forEach((entry, i) => {
    const registered = registry.get(entry.name);
    if (!registered) {
      problems.push(at(['modules', i, 'name'], `unknown module '${entry.name}'${didYouMean(entry.name, registry.keys())}; \`forge modules\` lists them`));
      return;
    }
    if (seen.has(entry.name)) {
      problems.push(at(['modules', i, 'name'], `module '${entry.name}' is listed twice (also modules[${seen.get(entry.name)}])`));
      return;
    }
    seen.set(entry.name, i);
    const { descriptor } = registered;
    if (descriptor.status !== 'implemented') {
      problems.push(at(['modules', i, 'name'], `module '${entry.name}' is not implemented yet (planned); \`forge modules\` shows what is available`));
      return;
    }
    const keys = configKeys(descriptor.config);
    const envRefs: Record<string, EnvRef> = {};
    const input: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry.config)) {
      const ref = parseEnvRef(value);
      const kind = keys.find((k) => k.key === key)?.kind;
      if (ref && descriptor.generateOnly?.includes(key)) {
        problems.push(at(['modules', i, 'config', key], 'shapes generated files, so it cannot come from the environment; give the value itself'));
      } else if (ref && kind && kind !== 'json') {
        envRefs[key] = ref;
        if (ref.default !== undefined) input[key] = coerceEnvString(kind, ref.default);
      } else if (ref || looksLikeEnvRef(value) || JSON.stringify(value)?.includes('${')) {
        problems.push(at(['modules', i, 'config', key], 'an environment reference must be the whole value of a top-level config key, as ${VAR} or ${VAR:-default}'));
      } else {
        input[key] = value;
      }
    }
    const parsed = descriptor.config.safeParse(input);
    if (!parsed.success) {
      problems.push(...zodProblems(parsed.error, at, ['modules', i, 'config'], descriptor.config));
      return;
    }
    modules.push({ name: entry.name, config: parsed.data, envRefs });
  });
  if (problems.length) throw new InputError('manifest-invalid', problems);
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
