/**
 * vitest globalSetup of the e2e project. The matrix files (matrix-1/2.test.ts) all list every combination and
 * take them in turn, largest first: each runs the next one no other file has claimed, so both workers stay busy
 * to the end whatever each combination costs, and the lifecycle suite is worked around rather than waited for.
 * A claim is a directory made in a folder of this run's own (mkdir is atomic).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    e2eClaims: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'forge-e2e-claims-'));
  project.provide('e2eClaims', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

/** True for the first file of the run to ask for this combination, false for every other. */
export function claim(dir: string, label: string): boolean {
  try {
    mkdirSync(join(dir, label));
    return true;
  } catch {
    return false;
  }
}
