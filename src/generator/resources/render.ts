import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Handlebars from 'handlebars';
import { GenerateError } from '../../errors.js';
import type { Resource } from '../../manifest/resource-checks.js';
import { templatesDir } from '../../paths.js';
import type { Origin } from '../render.js';
import { withMarker } from '../render.js';
import type { Tree } from '../tree.js';
import { contexts, resourceFiles, testingSources } from './contexts.js';
import { importsFor, type ImportSource } from './imports.js';
import { quoted } from './layout.js';
import { creationOrder, migrationOf } from './migration.js';
import { resourceModel } from './model.js';

/** templates/resources: `resource/` is rendered once per resource, `files/` once for the app (when it has any). */
export const resourceTemplatesDir = join(templatesDir, 'resources');

/** Where the rendered import block goes, so it is worked out from the code the template produced. */
const importsMark = '\u0000imports\u0000';

const hb = Handlebars.create();
hb.registerHelper('ts', (v: unknown) => quoted(String(v)));

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

/**
 * Renders the manifest's resources into the tree: per resource its entity, schemas, generated service and routes
 * (`*.base.ts`), the service and routes that are yours, its contribution, its first migration and its tests; once,
 * the `resources` module that gathers them, the shared helpers and the test helpers. Nothing when there are none.
 */
export function renderResources(resources: readonly Resource[], tree: Tree, dir = resourceTemplatesDir): void {
  if (resources.length === 0) return;
  const all = new Map(resources.map((r) => [r.name, r]));
  const models = new Map(resources.map((r) => [r.name, resourceModel(r, all)]));
  const migrations = new Map(creationOrder(resources).map((r, i) => [r.name, migrationOf(models.get(r.name)!, i)]));
  const every = contexts([...models.values()], migrations);
  const emit = (origin: Origin, path: string, file: string, context: object, sources: readonly ImportSource[]) => {
    if (tree.exists(path)) throw new GenerateError('file-clash', path, `written by a module and by the resources of forge.yaml`);
    tree.write(path, withMarker(path, origin, renderTemplate(file, context, sources)));
  };
  for (const model of models.values()) {
    for (const { template: name, path, context, sources } of resourceFiles(model, every)) {
      emit({ resource: model.name }, path, join(dir, 'resource', name), context, sources);
    }
  }
  const files = join(dir, 'files');
  for (const file of walk(files)) {
    const path = file.replace(/\.hbs$/, '');
    if (!file.endsWith('.hbs')) {
      if (tree.exists(path)) throw new GenerateError('file-clash', path, `written by a module and by the resources of forge.yaml`);
      tree.write(path, withMarker(path, 'resources', readFileSync(join(files, file), 'utf8')));
      continue;
    }
    emit('resources', path, join(files, file), every.app, file.includes('testing/') ? testingSources : every.appSources);
  }
}
