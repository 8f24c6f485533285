import { posix } from 'node:path';
import { InputError } from '../errors.js';
import type { EnvRef } from '../manifest/env-ref.js';
import type { Manifest } from '../manifest/load.js';
import type { Resource } from '../manifest/resource-checks.js';
import type { ModuleDescriptor } from './define-module.js';
import type { Registry } from './registry.js';

export interface PlannedModule {
  descriptor: ModuleDescriptor;
  dir?: string;
  config: Record<string, unknown>;
  envRefs: Record<string, EnvRef>;
  /** Why it is in the app: named in the manifest, always included, or needed by another module. */
  reason: { kind: 'manifest' } | { kind: 'always' } | { kind: 'dependency'; of: string };
}

export interface Plan {
  app: {
    name: string;
    description: string;
    database: 'sqlite' | 'postgres';
    /** The project's own module folders (`module_sources: - path:`): templates, never linted or built in place. */
    moduleFolders: string[];
  };
  /** Dependencies before dependents; ties broken by name, so the order is stable. */
  modules: PlannedModule[];
  /** The manifest's own resources, in its order. */
  resources: Resource[];
  /** Resources marked `drop: true`. */
  droppedResources: string[];
}

/** Modules in dependency order, or the path of the first cycle found. */
export function topologicalOrder(registry: Registry, wanted: Iterable<string>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name].join(' → ');
      throw new InputError('dependency-cycle', `module dependency cycle: ${cycle}`);
    }
    const entry = registry.get(name);
    if (!entry) throw new InputError('unknown-module', `unknown module '${name}' (needed by ${path.at(-1) ?? 'the manifest'})`);
    state.set(name, 'visiting');
    for (const dep of [...entry.descriptor.dependsOn].sort()) visit(dep, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of [...wanted].sort()) visit(name, []);
  return order;
}

export function resolve(manifest: Manifest, registry: Registry): Plan {
  const named = new Map(manifest.modules.map((m) => [m.name, m]));
  const always = [...registry.values()].filter((m) => m.descriptor.alwaysIncluded).map((m) => m.descriptor.name);
  const order = topologicalOrder(registry, [...always, ...named.keys()]);

  const neededBy = new Map<string, string>();
  for (const name of [...order].reverse()) {
    for (const dep of registry.get(name)?.descriptor.dependsOn ?? []) {
      if (!neededBy.has(dep)) neededBy.set(dep, name);
    }
  }
  const modules = order.map((name): PlannedModule => {
    const { descriptor, dir } = registry.get(name)!;
    if (descriptor.status !== 'implemented') {
      throw new InputError('module-planned', `module '${name}' (needed by ${neededBy.get(name) ?? 'the manifest'}) is not implemented yet`);
    }
    const fromManifest = named.get(name);
    const reason: PlannedModule['reason'] = fromManifest
      ? { kind: 'manifest' }
      : descriptor.alwaysIncluded
        ? { kind: 'always' }
        : { kind: 'dependency', of: neededBy.get(name) ?? '' };
    return {
      descriptor,
      ...(dir ? { dir } : {}),
      config: fromManifest?.config ?? (descriptor.config.parse({}) as Record<string, unknown>),
      envRefs: fromManifest?.envRefs ?? {},
      reason,
    };
  });
  const moduleFolders = manifest.moduleSources.flatMap((s) => (s.path === undefined ? [] : [posix.normalize(s.path).replace(/\/+$/, '')]));
  return {
    app: { name: manifest.name, description: manifest.description, database: manifest.database, moduleFolders },
    modules,
    resources: manifest.resources ?? [],
    droppedResources: manifest.droppedResources ?? [],
  };
}
