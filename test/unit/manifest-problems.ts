import { formatProblem, InputError } from '../../src/errors.js';
import type { Registry } from '../../src/generator/registry.js';
import { parseManifest } from '../../src/generator/manifest.js';

/** Every problem a manifest is refused with, formatted as the CLI prints them; throws when it is accepted. */
export function manifestProblems(text: string, registry: Registry): string[] {
  try {
    parseManifest(text, registry);
  } catch (e) {
    if (e instanceof InputError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error('manifest was accepted');
}
