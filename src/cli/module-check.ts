import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import kleur from 'kleur';
import { ExitCode, InputError } from '../errors.js';
import { parseManifest } from '../generator/manifest.js';
import { filesUnder } from '../generator/outside/check-descriptor.js';
import { loadProjectRegistry } from '../generator/outside/load.js';
import { createProject } from '../generator/pipeline.js';
import type { Registry } from '../generator/registry.js';
import { getRegistry, out } from './shared.js';
import { writeLocalEnv } from './tasks.js';

const folder = 'forge-modules';

/**
 * `forge module check`: the proof a module of a team's own is ready, made the way forge proves its catalogue. A
 * scratch app holding the module (and the outside modules it may depend on, copied into the app's own
 * forge-modules/) is generated, installed or linked, type-checked, linted, and runs the module's own tests.
 * Returns the exit code: 0 when every step passed, 1 when one failed (the app is kept to look into).
 */
export async function checkModules(projectRegistry: Registry, only: string | undefined, opts: { nodeModules?: string; keep: boolean }): Promise<number> {
  const outside = [...projectRegistry.values()].filter((m) => m.descriptorFile !== undefined);
  const names = only === undefined ? outside.map((m) => m.descriptor.name) : [only];
  if (!names.length) throw new InputError('no-modules', 'forge.yaml names no module_sources with modules in them: `forge module new <name>` makes one');
  for (const name of names) {
    if (!outside.some((m) => m.descriptor.name === name)) throw new InputError('unknown-module', `${name} is not a module of this project's module_sources`);
  }
  const { execa } = await import('execa');
  for (const name of names) {
    const scratch = mkdtempSync(join(tmpdir(), `forge-module-check-${name}-`));
    const copies: [string, string][] = outside.flatMap((m) =>
      filesUnder(m.dir ?? '')
        .filter((path) => !path.startsWith('node_modules/'))
        .map((path): [string, string] => [`${folder}/${m.descriptor.name}/${path}`, readFileSync(join(m.dir ?? '', path), 'utf8')]),
    );
    for (const [path, text] of copies) {
      mkdirSync(join(scratch, path, '..'), { recursive: true });
      writeFileSync(join(scratch, path), text);
    }
    const text = `name: ${name.replace(/_/g, '-')}-check\nmodule_sources:\n  - path: ${folder}\nmodules:\n  - name: ${name}\n`;
    const registry = await loadProjectRegistry(scratch, [{ path: folder }], await getRegistry());
    const app = join(scratch, 'app');
    const { generated } = await createProject(app, parseManifest(text, registry, join(scratch, 'forge.yaml')), text, registry, { ownFiles: copies });
    writeLocalEnv(app, generated);
    out(kleur.bold(`${name}: scratch app ${app}`));
    if (opts.nodeModules) symlinkSync(resolvePath(opts.nodeModules), join(app, 'node_modules'), 'dir');
    const steps: [string, string, string[]][] = [
      ...(opts.nodeModules ? [] : [['install', 'npm', ['install', '--no-audit', '--no-fund']] as [string, string, string[]]]),
      ['typecheck', 'npm', ['run', 'typecheck']],
      ['lint', 'npm', ['run', 'lint']],
      ['tests', 'npx', ['vitest', 'run', `src/modules/${name}/`]],
    ];
    for (const [label, command, args] of steps) {
      const started = Date.now();
      const run = await execa(command, args, { cwd: app, reject: false, all: true, env: { CI: '1' } });
      const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
      if (run.exitCode !== 0) {
        out(run.all);
        out(kleur.red(`${name}: ${label} failed (${took}); the scratch app is kept: ${app}`));
        return ExitCode.drift;
      }
      out(`${kleur.green('passed')} ${label} (${took})`);
    }
    if (!opts.keep) rmSync(scratch, { recursive: true, force: true });
  }
  out(kleur.green(`\n${names.join(', ')}: generates an app that type-checks, lints clean and passes its tests`));
  return ExitCode.ok;
}
