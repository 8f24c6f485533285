import { GenerateError } from '../errors.js';
import { coerceEnvString, configKeys } from './config-keys.js';
import type { EnvVar } from './define-module.js';
import { names } from './names.js';
import type { Plan } from './resolve.js';

/** An environment variable of the generated app, with the module and config key it serves. */
export interface AppEnvVar extends EnvVar {
  module: string;
  /** camelCase property of `config.<module>` that reads this variable. */
  property?: string;
  /** The manifest config key this variable overrides. */
  configKey?: string;
  /** `<MODULE>_<KEY>`, when the manifest named another variable with `${VAR}`. */
  canonical?: string;
}

/** Declared variables first, then one per config key (`<MODULE>_<KEY>`, or the `${VAR}` the manifest named). */
export function collectEnv(plan: Plan): AppEnvVar[] {
  const byName = new Map<string, AppEnvVar>();
  const add = (v: AppEnvVar) => {
    const existing = byName.get(v.name);
    if (!existing) return void byName.set(v.name, v);
    if (existing.kind !== v.kind) {
      throw new GenerateError('env-clash', 'src/config.ts', `${v.name} is read as ${existing.kind} by ${existing.module} and as ${v.kind} by ${v.module}`);
    }
    if (v.property && !existing.property) byName.set(v.name, { ...existing, property: v.property });
  };
  for (const m of plan.modules) {
    const module = m.descriptor.name;
    for (const v of m.descriptor.env ?? []) add({ ...v, module });
    for (const key of configKeys(m.descriptor.config)) {
      if (key.kind === 'json' || m.descriptor.generateOnly?.includes(key.key)) continue;
      const ref = m.envRefs[key.key];
      const base = {
        module,
        property: names(key.key).propertyName,
        configKey: key.key,
        kind: key.kind,
        description: key.description,
        ...(key.values ? { values: key.values } : {}),
        ...(key.minimum !== undefined ? { minimum: key.minimum } : {}),
        ...(key.maximum !== undefined ? { maximum: key.maximum } : {}),
      };
      const canonical = `${names(module).constantName}_${names(key.key).constantName}`;
      if (!ref && m.descriptor.secretKeys?.includes(key.key)) {
        add({ ...base, name: canonical, required: true, secret: true });
      } else if (!ref) {
        add({ ...base, name: canonical, default: m.config[key.key] as EnvVar['default'] });
      } else if (ref.default !== undefined) {
        add({ ...base, name: ref.env, canonical, default: coerceEnvString(key.kind, ref.default) as EnvVar['default'] });
      } else {
        add({ ...base, name: ref.env, canonical, required: true, secret: true });
      }
    }
  }
  return [...byName.values()];
}

/** The text of a default in .env files and compose: lists comma-joined. */
export function envText(value: EnvVar['default']): string {
  return Array.isArray(value) ? value.join(',') : value === undefined ? '' : String(value);
}

/**
 * Why `text` cannot be the value of a variable in .env files and docker-compose.yml, or undefined. Those files
 * are read by Node's loadEnvFile, `docker run --env-file` and docker compose, which agree on no quoting or
 * escaping (`#` ends Node's value but not compose's, compose expands `$` and ends a `${VAR:-…}` default at `}`,
 * a leading quote is syntax to two of them and text to the third): only plain text means the same to all three.
 * `listItem`: the app splits lists on commas.
 */
export function envValueProblem(text: string, listItem = false): string | undefined {
  if (/[\r\n\u2028\u2029]/.test(text)) return 'a line break';
  if (/[\u0000-\u001f\u007f]/.test(text)) return 'a control character';
  const special = /[$#}]/.exec(text)?.[0] ?? (listItem && text.includes(',') ? ',' : undefined);
  if (special) return `"${special}"`;
  if (/^["'`]/.test(text)) return 'a leading quote';
  if (text !== text.trim()) return 'a leading or trailing space';
  return undefined;
}

/** A default as written into .env.example and docker-compose.yml; refuses one those files cannot hold. */
export function envFileText(v: Pick<EnvVar, 'name' | 'default'>): string {
  const items = Array.isArray(v.default) ? (v.default as string[]) : [envText(v.default)];
  for (const item of items) {
    const problem = envValueProblem(item, Array.isArray(v.default));
    if (problem) throw new GenerateError('env-value', '.env.example', `the default of ${v.name} contains ${problem}, which env files cannot hold as is`);
  }
  return envText(v.default);
}
