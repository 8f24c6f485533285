/**
 * Files built from the modules' contributions as objects, serialized with a stable key order:
 * package.json, src/config.ts, .env.example, docker-compose.yml. Never regex over text (projen's object files).
 */
import { stringify } from 'yaml';
import { composeEnv, composeServices, type ComposeServiceName } from './compose-services.js';
import { configKeys } from './config-keys.js';
import type { EnvVar } from './define-module.js';
import { commentText, tsString } from './escape.js';
import { envFileText, type AppEnvVar } from './env.js';
import { names } from './names.js';
import type { Plan } from './resolve.js';
import { versions, type CatalogPackage } from './versions.js';

const sortedObject = <T>(entries: [string, T][]): Record<string, T> =>
  Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export function packageJson(plan: Plan): string {
  const pick = (list: CatalogPackage[]) => sortedObject(list.map((p) => [p, versions[p]]));
  const deps = plan.modules.flatMap((m) => m.descriptor.dependencies ?? []);
  const devDeps = plan.modules.flatMap((m) => m.descriptor.devDependencies ?? []).filter((p) => !deps.includes(p));
  const scripts = plan.modules.flatMap((m) => Object.entries(m.descriptor.scripts ?? {}));
  const pkg = {
    name: plan.app.name,
    version: '0.1.0',
    private: true,
    ...(plan.app.description ? { description: plan.app.description } : {}),
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: sortedObject(scripts),
    dependencies: pick(deps),
    devDependencies: pick(devDeps),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function zodFor(v: EnvVar): string {
  const base = {
    string: 'z.string()',
    url: 'z.url()',
    number: 'z.coerce.number()',
    integer: 'z.coerce.number().int()',
    boolean: 'bool',
    list: 'list',
    enum: `z.enum([${(v.values ?? []).map(tsString).join(', ')}])`,
  }[v.kind];
  const bounds = `${v.minimum !== undefined ? `.min(${v.minimum})` : ''}${v.maximum !== undefined ? `.max(${v.maximum})` : ''}`;
  const length = v.minLength !== undefined ? `.min(${v.minLength}, ${tsString(`must be at least ${v.minLength} characters`)})` : '';
  const format = v.pattern !== undefined ? `.regex(${String(v.pattern.regex)}, ${tsString(`expected ${v.pattern.hint}`)})` : '';
  const bounded =
    v.kind === 'number' || v.kind === 'integer'
      ? `${base}${bounds}`
      : v.kind === 'string'
        ? `${base}${length}${format}`
        : v.kind === 'list' && format !== ''
          ? `${base}.pipe(z.array(z.string()${format}).min(1, ${tsString('expected at least one value')}))`
          : base;
  if (v.default !== undefined) return `${bounded}.default(${JSON.stringify(v.default)})`;
  return v.required ? bounded : `${bounded}.optional()`;
}

export function configTs(plan: Plan, env: AppEnvVar[]): string {
  const fields = env.map((v) => `  /** ${commentText(v.description)} */\n  ${v.name}: ${zodFor(v)},`);
  const sections = plan.modules.map((m) => {
    const props = env.filter((v) => v.module === m.descriptor.name && v.property).map((v) => `      ${v.property}: env.${v.name},`);
    const literals = configKeys(m.descriptor.config)
      .filter((k) => k.kind === 'json' && !m.descriptor.generateOnly?.includes(k.key))
      .map((k) => `      ${names(k.key).propertyName}: ${JSON.stringify(m.config[k.key])},`);
    return `    ${names(m.descriptor.name).propertyName}: {\n${[...props, ...literals].join('\n')}\n    },`;
  });
  const renamed = env.filter((v) => v.canonical && v.canonical !== v.name).map((v) => `  ${v.canonical}: ${tsString(v.name)},`);
  // A former name the manifest reuses with `${VAR}` is a variable again, not a retired one.
  const retired = env.flatMap((v) =>
    (v.formerNames ?? []).filter((former) => !env.some((w) => w.name === former)).map((former) => `  ${former}: ${tsString(v.name)},`),
  );
  return `import { z } from 'zod';

/** Comma-separated values; blanks dropped. */
const list = z.string().transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean));
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Every environment variable the app reads. Manifest config values are the defaults. */
export const envSchema = z.object({
${fields.join('\n')}
});

export type Env = z.infer<typeof envSchema>;

/** Config keys the manifest reads from a variable of its own choosing (\`\${VAR}\`): \`<MODULE>_<KEY>\` → that variable. */
export const renamedVariables: Readonly<Record<string, string>> = {${renamed.length ? `\n${renamed.join('\n')}\n` : ''}};

/** Variables an earlier version of the app read under another name: the old name → the one read now. */
export const retiredVariables: Readonly<Record<string, string>> = {${retired.length ? `\n${retired.join('\n')}\n` : ''}};

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(\`invalid configuration:\\n  \${issues.join('\\n  ')}\`);
    this.name = 'ConfigError';
  }
}

/** Reads and checks the environment; throws one ConfigError listing every missing or invalid variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env) {
  // An empty value counts as unset, so a copied .env.example with blank secrets fails loudly.
  const given = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  // A value under its old name would be ignored without a word (e.g. mail quietly going to the log): refuse it.
  const retired = Object.keys(given)
    .filter((name) => Object.hasOwn(retiredVariables, name))
    .map((name) => \`\${name}: renamed to \${retiredVariables[name] ?? ''}; set that instead\`);
  const result = envSchema.safeParse(given);
  if (!result.success || retired.length > 0) {
    throw new ConfigError([
      ...retired,
      ...(result.error?.issues ?? []).map((i) => {
        // A list item's issue has the path [variable, index].
        const [variable = '', ...rest] = i.path.map(String);
        const name = rest.length > 0 ? \`\${variable}[\${rest.join('.')}]\` : variable;
        return variable in given ? \`\${name}: \${i.message}\` : \`\${name}: is required\`;
      }),
    ]);
  }
  const env = result.data;
  return {
    env,
${sections.join('\n')}
  };
}

export type AppConfig = ReturnType<typeof loadConfig>;
`;
}

export function composeServiceNames(plan: Plan): ComposeServiceName[] {
  const wanted = new Set(plan.modules.flatMap((m) => m.descriptor.compose ?? []));
  if (plan.app.database === 'postgres') wanted.add('postgres');
  return [...wanted].sort();
}

/** Variables docker-compose itself reads for the services this app has. */
export function composeVariables(plan: Plan): EnvVar[] {
  return composeServiceNames(plan).flatMap((s) => (composeEnv as Partial<Record<string, readonly EnvVar[]>>)[s] ?? []);
}

export function envExample(plan: Plan, env: AppEnvVar[]): string {
  const composeVars = composeVariables(plan);
  const blocks = [...env, ...composeVars].map((v) => {
    const value = envFileText(v);
    const note = v.required ? 'required' : v.default !== undefined ? `default: ${value || 'empty'}` : 'optional';
    const lines = [`# ${commentText(v.description)} (${note}${v.secret ? ', secret' : ''})`];
    if (v.secret || v.required) lines.push(`${v.name}=`);
    else lines.push(v.default !== undefined ? `${v.name}=${value}` : `# ${v.name}=`);
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

export function dockerCompose(plan: Plan, env: AppEnvVar[]): string {
  const services = composeServiceNames(plan);
  const stores = services.filter((s) => 'healthcheck' in composeServices[s]);
  const environment: Record<string, string> = {};
  for (const v of env) {
    environment[v.name] = v.required ? `\${${v.name}:?set ${v.name} in .env}` : `\${${v.name}:-${envFileText(v)}}`;
  }
  environment.NODE_ENV = 'production';
  if (services.includes('postgres')) {
    // Migrations as the owner, serving as a role that owns nothing: row-level security's precondition.
    environment.MIGRATION_DATABASE_URL = 'postgres://app:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}@postgres:5432/app';
    environment.DATABASE_URL = 'postgres://app_runtime:${POSTGRES_APP_PASSWORD:?set POSTGRES_APP_PASSWORD in .env}@postgres:5432/app';
  }
  if (services.includes('redis')) environment.REDIS_URL = 'redis://redis:6379';
  const app = {
    build: '.',
    ports: ['${PORT:-3000}:3000'],
    environment: { ...sortedObject(Object.entries(environment)), PORT: '3000' },
    // The app waits for the stores it needs (the services with a health check), not for monitoring beside it.
    ...(stores.length ? { depends_on: Object.fromEntries(stores.map((s) => [s, { condition: 'service_healthy' }])) } : {}),
    restart: 'unless-stopped',
  };
  const volumes = services.flatMap((s) => composeServices[s].volumes.filter((v) => !v.startsWith('.')).map((v) => v.split(':')[0] as string));
  const doc = {
    services: { app, ...Object.fromEntries(services.map((s) => [s, composeServices[s]])) },
    ...(volumes.length ? { volumes: Object.fromEntries(volumes.sort().map((v) => [v, {}])) } : {}),
  };
  // docker-compose reads YAML 1.1, where a bare yes or on is a boolean: serialize for 1.1 so they get quoted.
  return stringify(doc, { lineWidth: 0, version: '1.1' });
}
