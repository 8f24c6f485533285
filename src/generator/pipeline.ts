import { InputError } from '../errors.js';
import { locateProblems, type Manifest } from '../manifest/load.js';
import { commitNew } from './commit.js';
import { forgeVersion } from '../paths.js';
import { collectEnv, type AppEnvVar } from './env.js';
import { generatedJson, generatedPath, lockJson, lockPath, sha256, type Lock } from './lock.js';
import type { Registry } from './registry.js';
import { render, withMarker } from './render.js';
import { benchScript, renderResources } from './resources/render.js';
import { resolve, type Plan } from './resolve.js';
import { dockerCompose } from './compose.js';
import { manifestSchema } from './manifest-schema.js';
import { schemaPath } from '../manifest/modeline.js';
import { envExample, packageJson } from './structured.js';
import { Tree } from './tree.js';
import { wireModules, wiringFile } from './wire.js';

export interface Generated {
  plan: Plan;
  env: AppEnvVar[];
  /** Every generated file, including .forge/lock.json. */
  tree: Tree;
  lock: Lock;
  /** Paths whose new content was built on top of the file on disk (wiring), so writing them keeps the user's edits. */
  mergedFromDisk: Set<string>;
}

/** Reads a file of the existing project, or undefined; absent for a new project. */
export type ReadExisting = (path: string) => string | undefined;

/**
 * manifest → plan → rendered, wired tree. Touches no disk beyond reading templates (and, for an existing
 * project, the wiring file, so registrations are added to the file as the user has it, Astro-style).
 */
export async function generate(
  manifest: Manifest,
  manifestText: string,
  registry: Registry,
  opts: { baseDir?: string; readExisting?: ReadExisting; knownModules?: string[]; previous?: Record<string, string> } = {},
): Promise<Generated> {
  const plan = resolve(manifest, registry);
  const env = collectEnv(plan);
  const tree = new Tree();
  render(plan, env, tree, opts.baseDir);
  try {
    renderResources(plan.resources, tree, { read: (path) => opts.previous?.[path] ?? opts.readExisting?.(path) }, plan.droppedResources);
  } catch (e) {
    // A change the last generation cannot migrate to is the manifest's problem: point at its line.
    if (e instanceof InputError) throw new InputError(e.code, locateProblems(manifestText, e.problems));
    throw e;
  }
  tree.write('package.json', packageJson(plan, tree.exists('bench/resources.ts') ? benchScript : {}));
  tree.write('.env.example', withMarker('.env.example', 'every module', envExample(plan, env)));
  const compose = dockerCompose(plan, env);
  if (compose !== undefined) tree.write('docker-compose.yml', withMarker('docker-compose.yml', 'every module', compose));
  // What forge.yaml's modeline points an editor at: every module this forge (and the project) knows, kept current.
  tree.write(schemaPath, manifestSchema(registry));
  const mergedFromDisk = new Set<string>();
  const existingWiring = opts.readExisting?.(wiringFile);
  if (existingWiring !== undefined) {
    tree.write(wiringFile, existingWiring);
    mergedFromDisk.add(wiringFile);
  }
  await wireModules(
    tree,
    plan.modules.map((m) => m.descriptor.name),
    opts.knownModules ?? [],
    tree.exists('src/resources/index.ts'),
  );
  const lock: Lock = {
    forgeVersion,
    manifestHash: sha256(manifestText),
    modules: plan.modules.map((m) => m.descriptor.name),
    files: Object.fromEntries(tree.entries().map(([path, content]) => [path, sha256(content)])),
  };
  tree.write(generatedPath, generatedJson(Object.fromEntries(tree.entries())));
  tree.write(lockPath, lockJson(lock));
  return { plan, env, tree, lock, mergedFromDisk };
}

/**
 * A new project: rendered and wired whole in memory, then committed to a temporary sibling and renamed into
 * place (written nowhere on a dry run). A failure at any step, rendering included, leaves nothing on disk.
 */
export async function createProject(
  target: string,
  manifest: Manifest,
  manifestText: string,
  registry: Registry,
  opts: { force?: boolean; dryRun?: boolean; baseDir?: string; ownFiles?: [string, string][] } = {},
): Promise<{ generated: Generated; files: [string, string][] }> {
  const generated = await generate(manifest, manifestText, registry, opts.baseDir ? { baseDir: opts.baseDir } : {});
  // ownFiles: the project's own (its modules' folders), written with it but never generated, so not in the lock.
  const files: [string, string][] = [...generated.tree.entries(), ['forge.yaml', manifestText], ...(opts.ownFiles ?? [])];
  if (!opts.dryRun) commitNew(target, files, opts.force ? { force: true } : {});
  return { generated, files };
}
