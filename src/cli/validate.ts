import type { Command } from 'commander';
import { errorJson, ExitCode, InputError } from '../errors.js';
import { resolve } from '../generator/resolve.js';
import { dirname } from 'node:path';
import { readManifestText } from '../manifest/load.js';
import { getProjectRegistry, json, out } from './shared.js';
import { readManifest } from '../generator/manifest.js';

export function registerValidate(program: Command, setCode: (c: number) => void): void {
  program
    .command('validate [file]')
    .description('check a manifest and show the modules it resolves to and the resources it declares; writes nothing')
    .option('--json', 'machine-readable output')
    .action(async (file: string | undefined, opts: { json?: boolean }) => {
      const path = file ?? 'forge.yaml';
      try {
        const registry = await getProjectRegistry(dirname(path), readManifestText(path), path);
        const manifest = readManifest(path, registry);
        const plan = resolve(manifest, registry);
        const modules = plan.modules.map((m) => ({ name: m.descriptor.name, reason: m.reason }));
        const resources = (manifest.resources ?? []).map((r) => ({ name: r.name, fields: r.fields.length, relations: r.relations.length }));
        if (opts.json) return json({ valid: true, modules, resources });
        out(`valid: ${modules.map((m) => (m.reason.kind === 'dependency' ? `${m.name} (needed by ${m.reason.of})` : m.name)).join(', ')}`);
        if (resources.length) out(`resources: ${resources.map((r) => r.name).join(', ')}`);
      } catch (e) {
        if (!opts.json || !(e instanceof InputError)) throw e;
        json({ valid: false, ...errorJson(e) });
        setCode(ExitCode.badInput);
      }
    });
}
