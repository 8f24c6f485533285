import { InputError, type Problem } from '../errors.js';
import { parseManifestDocument, readManifestText, type Manifest, type ManifestModule } from '../manifest/load.js';
import { didYouMean } from '../manifest/suggest.js';
import { checkModuleConfig, secretVariables } from './module-config.js';
import type { Registry } from './registry.js';

/**
 * A manifest's text, checked whole: its shape (src/manifest/) and each module it names against that module's
 * descriptor. Every problem is reported at once as an InputError. `positions: false` for a manifest forge wrote
 * from flags: its problems name the path only.
 */
export function parseManifest(text: string, registry: Registry, file = 'forge.yaml', opts: { positions?: boolean } = {}): Manifest {
  const { top, entries, resources, droppedResources, problems: found, at } = parseManifestDocument(text, file, opts);
  const problems: Problem[] = [...found];
  const seen = new Map<string, number>();
  const secrets = secretVariables(registry);
  const modules: ManifestModule[] = [];
  for (const entry of entries) {
    if ('problems' in entry) {
      problems.push(...entry.problems);
      continue;
    }
    const { index, name, config } = entry;
    const where = ['modules', index, 'name'];
    const registered = registry.get(name);
    if (!registered) {
      problems.push(at(where, `unknown module '${name}'${didYouMean(name, registry.keys())}; \`forge modules\` lists them`));
      continue;
    }
    if (seen.has(name)) {
      problems.push(at(where, `module '${name}' is listed twice (also modules[${seen.get(name)}])`));
      continue;
    }
    seen.set(name, index);
    if (registered.descriptor.status !== 'implemented') {
      problems.push(at(where, `module '${name}' is not implemented yet (planned); \`forge modules\` shows what is available`));
      continue;
    }
    const checked = checkModuleConfig(registered, config, ['modules', index, 'config'], at, secrets);
    if (Array.isArray(checked)) problems.push(...checked);
    else modules.push(checked);
  }
  if (problems.length || !top) throw new InputError('manifest-invalid', problems);
  return { ...top, modules, ...(resources.length ? { resources } : {}), ...(droppedResources.length ? { droppedResources } : {}) };
}

export function readManifest(path: string, registry: Registry): Manifest {
  return parseManifest(readManifestText(path), registry, path);
}
