import type { Problem } from '../errors.js';
import { looksLikeEnvRef, parseEnvRef, type EnvRef } from '../manifest/env-ref.js';
import type { ManifestModule } from '../manifest/load.js';
import { zodProblems, type Locate } from '../manifest/problems.js';
import { databases } from '../manifest/schema.js';
import { coerceEnvString, configKeys, type ConfigKey } from './config-keys.js';
import { envValueProblem } from './env.js';
import { names } from './names.js';
import type { RegisteredModule, Registry } from './registry.js';

/**
 * Every secret variable any module (or docker-compose) reads, with who reads it. A config key is never secret,
 * so a `${VAR}` naming one of these would hand the secret to code that shows it.
 */
export function secretVariables(registry: Registry): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const { descriptor } of registry.values()) {
    for (const database of databases) {
      for (const [service, { variables = [] }] of Object.entries(descriptor.compose?.({ database }) ?? {})) {
        for (const v of variables) if (v.secret) secrets.set(v.name, `docker-compose's ${service} service`);
      }
    }
  }
  for (const { descriptor } of registry.values()) {
    for (const v of descriptor.env ?? []) if (v.secret) secrets.set(v.name, `module ${descriptor.name}`);
  }
  return secrets;
}

/**
 * Checks one selected module's `config:` against its own schema, with `${VAR}` references set apart. Returns
 * the module, or the problems found (all of them).
 */
export function checkModuleConfig(
  { descriptor }: RegisteredModule,
  config: Record<string, unknown>,
  base: (string | number)[],
  at: Locate,
  secrets: ReadonlyMap<string, string>,
): ManifestModule | Problem[] {
  const problems: Problem[] = [];
  const keys = configKeys(descriptor.config);
  const envRefs: Record<string, EnvRef> = {};
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const ref = parseEnvRef(value);
    const kind = keys.find((k) => k.key === key)?.kind;
    const where = [...base, key];
    const secretOf = ref && secrets.get(ref.env);
    if (secretOf) {
      problems.push(
        at(where, `\${${ref.env}} is a secret of ${secretOf}, and config values are not secret (they end up in tokens, responses and logs, and e.g. an issuer becomes a token claim); name a variable of its own`),
      );
    } else if (descriptor.secretKeys?.includes(key) && (ref === undefined || ref.default !== undefined)) {
      problems.push(
        at(where, `holds a secret, which is never written into forge.yaml nor given a default there: write \${${ref?.env ?? `${names(descriptor.name).constantName}_${names(key).constantName}`}} and set that variable in the environment`),
      );
    } else if (ref && descriptor.generateOnly?.includes(key)) {
      problems.push(at(where, 'shapes generated files, so it cannot come from the environment; give the value itself'));
    } else if (ref && kind && kind !== 'json') {
      envRefs[key] = ref;
      if (ref.default !== undefined) input[key] = coerceEnvString(kind, ref.default);
    } else if (ref || looksLikeEnvRef(value) || JSON.stringify(value)?.includes('${')) {
      problems.push(at(where, 'an environment reference must be the whole value of a top-level config key, as ${VAR} or ${VAR:-default}'));
    } else {
      input[key] = value;
    }
  }
  const parsed = descriptor.config.safeParse(input);
  if (!parsed.success) problems.push(...zodProblems(parsed.error, at, base, descriptor.config));
  else problems.push(...envFileProblems(keys, input, envRefs, base, at, descriptor.generateOnly ?? []));
  if (problems.length || !parsed.success) return problems;
  return { name: descriptor.name, config: parsed.data, envRefs };
}

/**
 * Values that become the default of an environment variable are written into .env.example and
 * docker-compose.yml; one those files cannot hold as plain text is refused here, where it can be pointed at.
 */
function envFileProblems(
  keys: ConfigKey[],
  /** The values given (not those refused already). */
  config: Record<string, unknown>,
  envRefs: Record<string, EnvRef>,
  base: (string | number)[],
  at: Locate,
  generateOnly: readonly string[],
): Problem[] {
  const problems: Problem[] = [];
  const check = (path: (string | number)[], text: string, listItem: boolean) => {
    const problem = envValueProblem(text, listItem);
    if (problem) {
      problems.push(
        at(path, `contains ${problem}, which .env.example and docker-compose.yml cannot hold as plain text (Node, docker and docker compose read them differently); set such a value in the environment through a \${VAR} reference`),
      );
    }
  };
  for (const { key, kind } of keys) {
    if (kind === 'json' || generateOnly.includes(key) || !(key in config || key in envRefs)) continue;
    const value = config[key];
    const ref = envRefs[key];
    if (ref) {
      if (ref.default !== undefined) check([...base, key], ref.default, false);
    } else if (Array.isArray(value)) {
      value.forEach((item, j) => check([...base, key, j], String(item), true));
    } else {
      check([...base, key], String(value), false);
    }
  }
  return problems;
}
