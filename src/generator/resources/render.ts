import { tsString } from '../escape.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Handlebars from 'handlebars';
import { GenerateError } from '../../errors.js';
import type { Resource } from '../../manifest/resource-checks.js';
import { templatesDir } from '../../paths.js';
import type { Origin } from '../render.js';
import { withMarker } from '../render.js';
import type { Tree } from '../tree.js';
import { InputError } from '../../errors.js';
import { names } from '../names.js';
import { appContext, contexts, resourceFiles, testingSources } from './contexts.js';
import { evolve } from './evolve.js';
import { importsFor, migrationSources, type ImportSource } from './imports.js';
import { creationOrder, firstMigrationNumber, migrationOf } from './migration.js';
import { parseSnapshot, snapshotJson, snapshotPath, tablesOfModel } from './snapshot.js';
import { resourceModel, type ResourceModel } from './model.js';

/** templates/resources: `resource/` is rendered once per resource, `files/` once for the app (when it has any). */
export const resourceTemplatesDir = join(templatesDir, 'resources');

/** What the last generation wrote: its copy of each generated file (or the file on disk). */
export interface PreviousGeneration {
  read: (path: string) => string | undefined;
}

/** Where the rendered import block goes, so it is worked out from the code the template produced. */
const importsMark = '\u0000imports\u0000';

const hb = Handlebars.create();
hb.registerHelper('ts', (v: unknown) => tsString(String(v)));

const cache = new Map<string, HandlebarsTemplateDelegate>();
function template(file: string): HandlebarsTemplateDelegate {
  let compiled = cache.get(file);
  if (compiled === undefined) {
    compiled = hb.compile(readFileSync(file, 'utf8'), { noEscape: true, strict: true });
    cache.set(file, compiled);
  }
  return compiled;
}

function renderTemplate(file: string, context: object, sources: readonly ImportSource[]): string {
  let text: string;
  try {
    text = template(file)({ ...context, imports: importsMark });
  } catch (e) {
    throw new GenerateError('render', file, (e as Error).message);
  }
  if (!text.includes(importsMark)) return text;
  return text.replace(importsMark, importsFor(text.replace(importsMark, ''), sources));
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
}

/** The app's `npm run bench:resources`: the list route of the first resource next to /health (templates/resources/bench). */
export const benchScript = { 'bench:resources': 'tsx bench/resources.ts' };
function renderBench(model: ResourceModel, emit: (origin: Origin, path: string, file: string, context: object, sources: readonly ImportSource[]) => void, dir: string): void {
  const context = { benchPath: `/${model.name}`, benchCreate: `create${model.singular.className}`, benchRows: 30 };
  for (const file of ['resources.ts', 'resources-server.ts']) emit('resources', `bench/${file}`, join(dir, 'bench', `${file}.hbs`), context, []);
}

/**
 * Renders the manifest's resources into the tree: per resource its entity, schemas, generated service and routes
 * (`*.base.ts`), the service and routes that are yours, its contribution, its first migration and its tests; once,
 * the `resources` module that gathers them, the shared helpers and the test helpers. Nothing when there are none.
 */
export function renderResources(
  resources: readonly Resource[],
  tree: Tree,
  previous: PreviousGeneration = { read: () => undefined },
  dropped: readonly string[] = [],
  dir = resourceTemplatesDir,
): void {
  const snapshot = parseSnapshot(previous.read(snapshotPath));
  if (resources.length === 0 && snapshot === undefined) return;
  const all = new Map(resources.map((r) => [r.name, r]));
  const models = new Map(resources.map((r) => [r.name, resourceModel(r, all)]));
  const tables = Object.fromEntries([...models.values()].flatMap(tablesOfModel).map((t) => [t.name, t]));
  const shipped = snapshot?.migrations ?? [];
  const known = new Set(Object.values(snapshot?.tables ?? {}).map((t) => t.resource));
  const created = creationOrder(resources).filter((r) => !known.has(r.name));
  const migrations = new Map(created.map((r, i) => [r.name, migrationOf(models.get(r.name)!, shipped.length + i)]));
  const change = snapshot === undefined ? undefined : evolve(snapshot.tables, tables, resources, dropped);
  if (change?.problems.length) throw new InputError('resource-change-refused', change.problems);
  const emit = (origin: Origin, path: string, file: string, context: object, sources: readonly ImportSource[]) => {
    if (tree.exists(path)) throw new GenerateError('file-clash', path, `written by a module and by the resources of forge.yaml`);
    tree.write(path, withMarker(path, origin, renderTemplate(file, context, sources)));
  };
  // Migrations that shipped are written again exactly as they were: never rendered anew.
  for (const migration of shipped) {
    const text = previous.read(migration.file);
    if (text === undefined) throw new GenerateError('migration-missing', migration.file, `shipped in an earlier generation (${snapshotPath}) and is gone; restore it from version control`);
    tree.write(migration.file, text);
  }
  const every = contexts([...models.values()], migrations);
  for (const model of models.values()) {
    for (const { template: name, path, context, sources } of resourceFiles(model, every)) {
      emit({ resource: model.name }, path, join(dir, 'resource', name), context, sources);
    }
  }
  const numbers = [...shipped.map((m) => ({ number: m.number, file: m.file })), ...[...migrations.values()].map((m) => ({ number: m.number, file: m.file }))];
  if (change !== undefined && change.up.length) {
    const number = firstMigrationNumber + numbers.length + 1;
    const subject = change.touched.length <= 2 ? change.touched.map((t) => names(t).fileName).join('-') : 'resources';
    const file = `src/resources/migrations/${number}-change-${subject}.ts`;
    const context = { className: `ResourcesChange${number}`, touched: change.touched.join(', '), up: change.up.join('\n'), down: change.down.join('\n') };
    emit('resources', file, join(dir, 'change-migration.ts.hbs'), context, migrationSources);
    numbers.push({ number, file });
  }
  {
    const files = join(dir, 'files');
    const app = appContext([...models.values()], numbers);
    for (const file of walk(files)) {
      const path = file.replace(/\.hbs$/, '');
      if (!file.endsWith('.hbs')) {
        if (tree.exists(path)) throw new GenerateError('file-clash', path, `written by a module and by the resources of forge.yaml`);
        tree.write(path, withMarker(path, 'resources', readFileSync(join(files, file), 'utf8')));
        continue;
      }
      emit('resources', path, join(files, file), app.context, file.includes('testing/') ? testingSources : app.sources);
    }
  }
  const benched = models.values().next().value;
  if (benched !== undefined) renderBench(benched, emit, dir);
  tree.write(snapshotPath, snapshotJson({ migrations: numbers, tables }));
}
