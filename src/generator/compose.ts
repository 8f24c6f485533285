/**
 * docker-compose.yml, assembled from the services the app's modules bring: each carries its own environment,
 * volumes, the variables compose reads for it and those it sets on the app. Nothing here names a service.
 */
import { stringify } from 'yaml';
import { GenerateError } from '../errors.js';
import { databases } from '../manifest/schema.js';
import type { AppSettings, ComposeService, EnvVar } from './define-module.js';
import { envFileText, type AppEnvVar } from './env.js';
import { images } from './images.js';
import type { Plan } from './resolve.js';

/** The service that runs the generated app itself (see ComposeService). */
export const appService = 'app';

const byName = <T>(entries: [string, T][]): [string, T][] => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The services this app runs, by name: those its modules bring for its settings, each `onlyWhenUsed` one only
 * when a module of the app uses it. A service belongs to one module; a use no module answers is an error.
 */
export function composeServices(plan: Plan): Map<string, ComposeService> {
  const settings: AppSettings = { database: plan.app.database };
  const brought = new Map<string, { module: string; service: ComposeService }>();
  for (const m of plan.modules) {
    for (const [name, service] of Object.entries(m.descriptor.compose?.(settings) ?? {})) {
      const other = brought.get(name)?.module;
      if (other) throw new GenerateError('compose-clash', 'docker-compose.yml', `service ${name} is brought by both ${other} and ${m.descriptor.name}; each service belongs to one module`);
      brought.set(name, { module: m.descriptor.name, service });
    }
  }
  const used = new Set<string>();
  for (const m of plan.modules) {
    for (const name of m.descriptor.composeUses ?? []) {
      if (!brought.has(name)) throw new GenerateError('compose-missing', 'docker-compose.yml', `${m.descriptor.name} uses the service ${name}, which no module of this app brings`);
      used.add(name);
    }
  }
  const running = [...brought].filter(([name, { service }]) => !service.onlyWhenUsed || used.has(name));
  return new Map(byName(running.map(([name, { service }]) => [name, service])));
}

/** Variables docker-compose itself reads for the services this app runs: they go into .env.example and the local .env. */
export function composeVariables(plan: Plan): EnvVar[] {
  return [...composeServices(plan).values()].flatMap((s) => s.variables ?? []);
}

/**
 * Variables a service sets on the app, in any settings, whether it runs here or not: compose passes them to the
 * app only from a running service, never from the developer's .env (whose DATABASE_URL-like values point at
 * their own machine).
 */
function variablesSetByServices(plan: Plan): Set<string> {
  const names = new Set<string>();
  for (const m of plan.modules) {
    for (const database of databases) {
      for (const [name, service] of Object.entries(m.descriptor.compose?.({ database }) ?? {})) {
        if (name !== appService) for (const key of Object.keys(service.appEnvironment ?? {})) names.add(key);
      }
    }
  }
  return names;
}

/** The compose file's own keys of a service: the catalogue's image for its key, forge's own fields dropped. */
function composeEntry({ image, appEnvironment: _set, variables: _read, onlyWhenUsed: _when, ...rest }: ComposeService): Record<string, unknown> {
  return { ...(image ? { image: images[image] } : {}), ...rest };
}

/** The compose file of the services this app runs; undefined when its modules bring none. */
export function dockerCompose(plan: Plan, env: AppEnvVar[]): string | undefined {
  const services = composeServices(plan);
  if (!services.size) return undefined;
  const doc: Record<string, unknown> = {};
  const app = services.get(appService);
  if (app) {
    const others = [...services].filter(([name]) => name !== appService);
    const fromServices = variablesSetByServices(plan);
    const environment: Record<string, string> = {};
    for (const v of env.filter((v) => !fromServices.has(v.name))) {
      environment[v.name] = v.required ? `\${${v.name}:?set ${v.name} in .env}` : `\${${v.name}:-${envFileText(v)}}`;
    }
    for (const [, service] of others) Object.assign(environment, service.appEnvironment);
    Object.assign(environment, app.environment);
    // The app waits for the stores it needs (the services with a health check), not for monitoring beside it.
    const stores = others.filter(([, s]) => s.healthcheck).map(([name]) => name);
    doc[appService] = {
      ...composeEntry(app),
      environment: Object.fromEntries(byName(Object.entries(environment))),
      ...(stores.length ? { depends_on: Object.fromEntries(stores.map((s) => [s, { condition: 'service_healthy' }])) } : {}),
    };
  }
  for (const [name, service] of services) if (name !== appService) doc[name] = composeEntry(service);
  const volumes = [...services.values()]
    .flatMap((s) => s.volumes ?? [])
    .filter((v) => !/^[./~]/.test(v))
    .map((v) => v.split(':')[0] as string);
  const file = {
    services: doc,
    ...(volumes.length ? { volumes: Object.fromEntries([...new Set(volumes)].sort().map((v) => [v, {}])) } : {}),
  };
  // docker-compose reads YAML 1.1, where a bare yes or on is a boolean: serialize for 1.1 so they get quoted.
  return stringify(file, { lineWidth: 0, version: '1.1' });
}
