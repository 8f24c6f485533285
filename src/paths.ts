import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'platform-forge') return dir;
  }
  throw new Error(`platform-forge package.json not found above ${from}`);
}

const here = fileURLToPath(import.meta.url);

/** The forge package's root folder, whether running from dist/ or from sources under vitest. */
export const forgeRoot = findRoot(dirname(here));
export const forgeVersion = (JSON.parse(readFileSync(join(forgeRoot, 'package.json'), 'utf8')) as { version: string }).version;
export const templatesDir = join(forgeRoot, 'templates');
/** Descriptors are TypeScript; compiled copies live under dist/ when forge runs from its build. */
export const runningFromSource = here.endsWith('.ts');
