import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export const forgeBin = join(import.meta.dirname, '../../bin/forge.js');
export const examples = join(import.meta.dirname, '../../examples');
export const scratch = () => mkdtempSync(join(tmpdir(), 'forge-cli-'));

/** Runs the real, built binary; never throws, returns exit code and output. */
export async function forge(args: string[], cwd = scratch(), input?: string) {
  const r = await execa('node', [forgeBin, ...args], { cwd, reject: false, env: { NO_COLOR: '1' }, input: input ?? '' });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr, cwd };
}
