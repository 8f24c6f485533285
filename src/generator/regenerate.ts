import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProjectManifestText } from '../manifest/load.js';
import { parseManifest } from './manifest.js';
import { inside, planChanges, readGenerated, readLock, type Change } from './commit.js';
import type { Strategy } from './merge.js';
import { recoverCommit } from './journal.js';
import { lockJson, lockPath, type Lock } from './lock.js';
import { generate, type Generated } from './pipeline.js';
import type { Registry } from './registry.js';

/**
 * Renders the project in `dir` from a manifest (its forge.yaml, or a new text about to replace it) and plans
 * what committing the result would change. Writes nothing, apart from settling a commit an earlier run left cut
 * short (recoverCommit). `forge generate`, `check`, `add-module` and `remove-module` all go through here.
 */
export async function regenerate(
  dir: string,
  registry: Registry,
  opts: { manifestText?: string; strategy?: Strategy; baseDir?: string } = {},
): Promise<{ changes: Change[]; generated: Generated }> {
  recoverCommit(dir); // plan against a whole project, never one a crashed commit left half-written
  const manifestPath = join(dir, 'forge.yaml');
  const text = opts.manifestText ?? readProjectManifestText(dir);
  const manifest = parseManifest(text, registry, manifestPath);
  const readExisting = (path: string) => {
    const full = inside(dir, path);
    return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  };
  const previous = { lock: readLock(dir), contents: readGenerated(dir) };
  const generated = await generate(manifest, text, registry, { readExisting, previous: previous.contents, knownModules: [...registry.keys()], ...(opts.baseDir ? { baseDir: opts.baseDir } : {}) });
  recordDeletions(generated, previous.lock, (path) => !existsSync(inside(dir, path)));
  const changes = planChanges(dir, generated.tree, previous, { mergedFromDisk: generated.mergedFromDisk, ...(opts.strategy ? { strategy: opts.strategy } : {}) });
  return { changes, generated };
}

/** Writes into the new lock which generated files the user deleted, so each is reported on one run only. */
function recordDeletions(generated: Generated, previous: Lock | undefined, missing: (path: string) => boolean): void {
  const deleted = Object.keys(generated.lock.files).filter((path) => previous?.files[path] !== undefined && !generated.mergedFromDisk.has(path) && missing(path));
  if (!deleted.length) return;
  generated.lock.deleted = deleted;
  generated.tree.write(lockPath, lockJson(generated.lock));
}
