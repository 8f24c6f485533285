import { isMap, isScalar, isSeq, parseDocument, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { InputError } from '../errors.js';

/**
 * Adds `- path: <folder>` to the manifest's `module_sources` unless it is there; a new `module_sources` goes right
 * above `modules:`. Comments, order and formatting of everything else stay (the yaml Document API). Returns the
 * text unchanged when the folder is listed already.
 */
export function addModuleSource(text: string, folder: string): string {
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) throw new InputError('manifest-shape', 'forge.yaml must be a mapping');
  const entry = new YAMLMap();
  entry.set('path', folder);
  const existing = doc.get('module_sources', true);
  if (isSeq(existing)) {
    if (existing.items.some((item) => isMap(item) && item.get('path') === folder)) return text;
    existing.flow = false;
    existing.items.push(entry);
    return doc.toString();
  }
  if (existing !== undefined && !(isScalar(existing) && existing.value === null)) {
    throw new InputError('manifest-shape', 'forge.yaml: module_sources must be a list');
  }
  const seq = new YAMLSeq();
  seq.items.push(entry);
  // A document built by hand holds plain nodes, not parsed ones: its items are only read and spliced here.
  const items = (doc.contents as YAMLMap<unknown, unknown>).items;
  const at = items.findIndex((pair) => isScalar(pair.key) && pair.key.value === 'modules');
  const pair = new Pair(new Scalar('module_sources'), seq);
  if (existing !== undefined) doc.set('module_sources', seq);
  else items.splice(at === -1 ? items.length : at, 0, pair);
  return doc.toString();
}
