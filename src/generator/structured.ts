/**
 * Files built from the modules' contributions as objects, serialized with a stable key order:
 * package.json, .env.example and the parts of src/config.ts every module feeds (docker-compose.yml: compose.ts).
 * Never regex over text (projen's object files).
 */
import { composeVariables } from './compose.js';
import { configKeys } from './config-keys.js';
import type { EnvVar } from './define-module.js';
import { commentText, tsLiteral, tsString } from './escape.js';
import { envFileText, type AppEnvVar } from './env.js';
import { names } from './names.js';
import type { Plan } from './resolve.js';
import { versions, type CatalogPackage } from './versions.js';

const sortedObject = <T>(entries: [string, T][]): Record<string, T> =>
  Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** `extraScripts`: scripts of what is not a module (the resources' bench). */
export function packageJson(plan: Plan, extraScripts: Record<string, string> = {}): string {
  // Modules from outside the catalogue may bring entries of their own, checked against it when they are loaded.
  const catalogue: Readonly<Record<string, string>> = Object.assign({}, ...plan.modules.map((m) => m.descriptor.catalogue ?? {}), versions);
  const pick = (list: CatalogPackage[]) => sortedObject(list.map((p) => [p, catalogue[p] ?? '']));
  const deps = plan.modules.flatMap((m) => m.descriptor.dependencies ?? []);
  const devDeps = plan.modules.flatMap((m) => m.descriptor.devDependencies ?? []).filter((p) => !deps.includes(p));
  const scripts = [...plan.modules.flatMap((m) => Object.entries(m.descriptor.scripts ?? {})), ...Object.entries(extraScripts)];
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
          ? // As Prettier breaks this chain, which never fits on one line with a pattern in it.
            `${base}.pipe(\n    z\n      .array(z.string()${format})\n      .min(1, ${tsString('expected at least one value')}),\n  )`
          : base;
  if (v.default !== undefined) return `${bounded}.default(${tsLiteral(v.default)})`;
  return v.required ? bounded : `${bounded}.optional()`;
}

/**
 * The parts of src/config.ts every module feeds, for the template that holds the rest (core's): the schema's
 * fields, the renamed and retired variables and one section per module of what `loadConfig()` returns.
 */
export function configParts(plan: Plan, env: AppEnvVar[]) {
  const fields = env.map((v) => `  /** ${commentText(v.description)} */\n  ${v.name}: ${zodFor(v)},`);
  const sections = plan.modules.map((m) => {
    const props = env.filter((v) => v.module === m.descriptor.name && v.property).map((v) => `      ${v.property}: env.${v.name},`);
    const literals = configKeys(m.descriptor.config)
      .filter((k) => k.kind === 'json' && !m.descriptor.generateOnly?.includes(k.key))
      .map((k) => {
        const property = `${names(k.key).propertyName}: `;
        return `      ${property}${tsLiteral(m.config[k.key], { indent: 6, column: 6 + property.length })},`;
      });
    return `    ${names(m.descriptor.name).propertyName}: {\n${[...props, ...literals].join('\n')}\n    },`;
  });
  const renamed = env.filter((v) => v.canonical && v.canonical !== v.name).map((v) => `  ${v.canonical}: ${tsString(v.name)},`);
  // A former name the manifest reuses with `${VAR}` is a variable again, not a retired one.
  const retired = env.flatMap((v) =>
    (v.formerNames ?? []).filter((former) => !env.some((w) => w.name === former)).map((former) => `  ${former}: ${tsString(v.name)},`),
  );
  const testValues = plan.modules
    .flatMap((m) => Object.entries(m.descriptor.testEnv ?? {}))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `  ${name}: ${tsString(value)},`);
  return {
    envSchemaFields: fields.join('\n'),
    testVariables: `{${testValues.length ? `\n${testValues.join('\n')}\n` : ''}}`,
    renamedVariables: `{${renamed.length ? `\n${renamed.join('\n')}\n` : ''}}`,
    retiredVariables: `{${retired.length ? `\n${retired.join('\n')}\n` : ''}}`,
    moduleSections: sections.join('\n'),
  };
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
