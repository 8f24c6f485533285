import { manifestJsonSchemaText, type SchemaModule } from '../manifest/json-schema.js';
import { configKeys } from './config-keys.js';
import { secretVariables } from './module-config.js';
import type { Registry } from './registry.js';

/** The modules a manifest may select, as the JSON Schema needs them: the same checks parseManifest makes. */
export function schemaModules(registry: Registry): SchemaModule[] {
  return [...registry.values()]
    .filter(({ descriptor }) => descriptor.status === 'implemented')
    .map(({ descriptor }) => ({
      name: descriptor.name,
      summary: descriptor.summary,
      config: descriptor.config,
      envKeys: configKeys(descriptor.config)
        .filter((k) => k.kind !== 'json' && !descriptor.generateOnly?.includes(k.key))
        .map((k) => k.key),
      secretKeys: descriptor.secretKeys ?? [],
    }));
}

/** The JSON Schema of forge.yaml for the modules of this registry (the catalogue and the project's own). */
export function manifestSchema(registry: Registry): string {
  return manifestJsonSchemaText(schemaModules(registry), [...secretVariables(registry).keys()]);
}
