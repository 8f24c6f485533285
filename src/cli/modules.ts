import type { Command } from 'commander';
import kleur from 'kleur';
import { InputError } from '../errors.js';
import { configKeys } from '../generator/config-keys.js';
import type { ModuleDescriptor } from '../generator/define-module.js';
import { databases } from '../manifest/schema.js';
import { didYouMean } from '../manifest/suggest.js';
import { getRegistryHere, json, out } from './shared.js';

export function registerModules(program: Command): void {
  program
    .command('modules')
    .description('list every module, its tier, dependencies and whether it is available')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const list = [...(await getRegistryHere()).values()].map(({ descriptor: d }) => ({
        name: d.name,
        tier: d.tier,
        status: d.status,
        dependsOn: [...d.dependsOn],
        summary: d.summary,
      }));
      if (opts.json) return json(list);
      const width = Math.max(...list.map((m) => m.name.length));
      for (const m of list) {
        const status = m.status === 'implemented' ? kleur.green('available') : kleur.dim('planned  ');
        const deps = m.dependsOn.length ? kleur.dim(` (needs ${m.dependsOn.join(', ')})`) : '';
        out(`${m.name.padEnd(width)}  ${status}  ${m.tier.padEnd(10)}  ${m.summary}${deps}`);
      }
    });
}

/** The services a module brings, each with the databases it runs on. */
function composeServicesOf(d: ModuleDescriptor): { name: string; databases: string[]; onlyWhenUsed: boolean }[] {
  const found = new Map<string, { name: string; databases: string[]; onlyWhenUsed: boolean }>();
  for (const database of databases) {
    for (const [name, service] of Object.entries(d.compose?.({ database }) ?? {})) {
      const entry = found.get(name) ?? { name, databases: [], onlyWhenUsed: Boolean(service.onlyWhenUsed) };
      entry.databases.push(database);
      found.set(name, entry);
    }
  }
  return [...found.values()];
}

export function registerInfo(program: Command): void {
  program
    .command('info <module>')
    .description("a module's config keys (types, defaults), environment variables and dependencies")
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { json?: boolean }) => {
      const registry = await getRegistryHere();
      const entry = registry.get(name);
      if (!entry) throw new InputError('unknown-module', `unknown module '${name}'${didYouMean(name, registry.keys())}`);
      const d = entry.descriptor;
      const info = {
        name: d.name,
        summary: d.summary,
        tier: d.tier,
        status: d.status,
        dependsOn: [...d.dependsOn],
        config: configKeys(d.config),
        env: d.env ?? [],
        compose: composeServicesOf(d),
        dependencies: d.dependencies ?? [],
      };
      if (opts.json) return json(info);
      out(`${kleur.bold(d.name)} (${d.tier}, ${d.status}): ${d.summary}`);
      out(`depends on: ${info.dependsOn.join(', ') || 'nothing'}`);
      out('\nconfig (manifest `config:` keys):');
      if (!info.config.length) out('  none');
      for (const k of info.config) {
        const type = k.values ? k.values.join(' | ') : k.kind;
        out(`  ${k.key}: ${type} = ${JSON.stringify(k.default)}\n      ${kleur.dim(k.description)}`);
      }
      out('\nenvironment variables (besides one per config key):');
      if (!info.env.length) out('  none');
      for (const v of info.env) {
        const when = v.required ? 'required' : v.default !== undefined ? `default ${JSON.stringify(v.default)}` : 'optional';
        out(`  ${v.name} (${v.kind}, ${when}${v.secret ? ', secret' : ''})\n      ${kleur.dim(v.description)}`);
      }
      if (info.compose.length) {
        out('\ndocker-compose services:');
        for (const s of info.compose) out(`  ${s.name}${s.databases.length < databases.length ? ` (database: ${s.databases.join(', ')})` : ''}${s.onlyWhenUsed ? ' (when a module uses it)' : ''}`);
      }
      if (d.composeUses?.length) out(`\nuses docker-compose services: ${d.composeUses.join(', ')}`);
    });
}
