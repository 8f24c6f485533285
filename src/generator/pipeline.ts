import type { Manifest } from '../manifest/load.js';
import { forgeVersion } from '../paths.js';
import { collectEnv, type AppEnvVar } from './env.js';
import { lockJson, lockPath, sha256, type Lock } from './lock.js';
import type { Registry } from './registry.js';
import { render, withMarker } from './render.js';
import { resolve, type Plan } from './resolve.js';
import { configTs, dockerCompose, envExample, packageJson } from './structured.js';
import { Tree } from './tree.js';
import { wireModules } from './wire.js';

export interface Generated {
  plan: Plan;
  env: AppEnvVar[];
  /** Every generated file, including .forge/lock.json. */
  tree: Tree;
  lock: Lock;
}

/** manifest → plan → rendered, wired tree. Touches no disk beyond reading templates. */
export async function generate(manifest: Manifest, manifestText: string, registry: Registry, baseDir?: string): Promise<Generated> {
  const plan = resolve(manifest, registry);
  const env = collectEnv(plan);
  const tree = new Tree();
  render(plan, env, tree, baseDir);
  tree.write('package.json', packageJson(plan));
  tree.write('src/config.ts', withMarker('src/config.ts', 'core', configTs(plan, env)));
  tree.write('.env.example', withMarker('.env.example', 'core', envExample(plan, env)));
  tree.write('docker-compose.yml', withMarker('docker-compose.yml', 'core', dockerCompose(plan, env)));
  await wireModules(
    tree,
    plan.modules.map((m) => m.descriptor.name),
  );
  const lock: Lock = {
    forgeVersion,
    manifestHash: sha256(manifestText),
    modules: plan.modules.map((m) => m.descriptor.name),
    files: Object.fromEntries(tree.entries().map(([path, content]) => [path, sha256(content)])),
  };
  tree.write(lockPath, lockJson(lock));
  return { plan, env, tree, lock };
}
