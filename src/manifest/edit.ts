import { isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq, type Document } from 'yaml';
import { InputError } from '../errors.js';

/**
 * Edits of forge.yaml through the yaml Document API, so the user's comments, key order and formatting
 * survive: only the touched entries change.
 */

function modulesSeq(doc: Document): YAMLSeq {
  const existing = doc.get('modules', true);
  if (isSeq(existing)) {
    existing.flow = false;
    return existing;
  }
  if (existing !== undefined && !(isScalar(existing) && existing.value === null)) {
    throw new InputError('manifest-shape', 'forge.yaml: modules must be a list');
  }
  const seq = new YAMLSeq();
  doc.set('modules', seq);
  return seq;
}

function entryOf(seq: YAMLSeq, name: string): YAMLMap | undefined {
  return seq.items.find((item): item is YAMLMap => isMap(item) && item.get('name') === name);
}

/** Parses `key=value` (or `module.key=value`) with YAML typing: `3600` is a number, `true` a boolean. */
export function parseConfigFlags(flags: string[], modules: string[]): Map<string, Record<string, unknown>> {
  const byModule = new Map<string, Record<string, unknown>>();
  for (const flag of flags) {
    const at = flag.indexOf('=');
    if (at <= 0) throw new InputError('bad-config-flag', `--config ${flag}: expected key=value`);
    let key = flag.slice(0, at);
    let module = modules.length === 1 ? modules[0] : undefined;
    if (key.includes('.')) [module, key] = [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)];
    if (!module || !modules.includes(module)) {
      throw new InputError('bad-config-flag', `--config ${flag}: name the module as module.key=value (one of ${modules.join(', ')})`);
    }
    const value: unknown = parseDocument(flag.slice(at + 1)).toJS();
    byModule.set(module, { ...byModule.get(module), [key]: value });
  }
  return byModule;
}

/** Adds modules (and their config values) to the manifest text; returns the new text and the names already there. */
export function addModules(text: string, names: string[], config: Map<string, Record<string, unknown>>) {
  const doc = parseDocument(text);
  const seq = modulesSeq(doc);
  const present: string[] = [];
  for (const name of names) {
    let entry = entryOf(seq, name);
    if (entry) present.push(name);
    else {
      entry = doc.createNode({ name }) as YAMLMap;
      seq.add(entry);
    }
    for (const [key, value] of Object.entries(config.get(name) ?? {})) entry.setIn(['config', key], value);
  }
  return { text: doc.toString(), present };
}

/** Removes a module's entry; returns undefined when the manifest does not name it. */
export function removeModule(text: string, name: string): string | undefined {
  const doc = parseDocument(text);
  const seq = doc.get('modules', true);
  if (!isSeq(seq)) return undefined;
  const index = seq.items.findIndex((item) => isMap(item) && item.get('name') === name);
  if (index < 0) return undefined;
  seq.delete(index);
  return doc.toString();
}
