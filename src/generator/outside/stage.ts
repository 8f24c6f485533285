import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { InputError } from '../../errors.js';
import { moduleApi, moduleApiKey } from '../../module-api.js';
import { forgeRoot, forgeVersion } from '../../paths.js';

/**
 * How the descriptor of a module from outside the catalogue is loaded. It is TypeScript like forge's own
 * (module.ts), or JavaScript a package ships compiled (module.js / module.mjs). Node 20 cannot run TypeScript, so
 * forge transpiles it with the TypeScript compiler it already carries (inside ts-morph), loaded only when a .ts
 * descriptor is new since the last run: type-stripping alone, no type check (a descriptor's mistakes are caught
 * by the shape check that follows, with the module and file named). The descriptor's code files are staged in a
 * folder of the system's temp folder named by a hash of their contents, where `zod` is forge's own zod and
 * `platform-forge/module` is forge's module API: a module's zod schemas are then the very zod forge validates
 * with, wherever the module was installed, and nothing is written into the project.
 */

/** The files of a module folder that make up its descriptor: code outside files/ (the templates) and tests. */
function codeFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.(m?ts|m?js)$/.test(d.name) && !/\.(test|d)\.m?ts$/.test(d.name))
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'))
    .filter((path) => !/^(files|tests|node_modules)\//.test(path))
    .sort();
}

let compiler: Promise<typeof import('ts-morph').ts> | undefined;
const loadCompiler = () => (compiler ??= import('ts-morph').then((m) => m.ts));

async function transpile(source: string, file: string, module: string): Promise<string> {
  const ts = await loadCompiler();
  const out = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, rewriteRelativeImportExtensions: true, verbatimModuleSyntax: false },
  });
  const problem = out.diagnostics?.[0];
  if (problem) {
    const at = problem.file && problem.start !== undefined ? problem.file.getLineAndCharacterOfPosition(problem.start) : undefined;
    throw new InputError('module-invalid', [
      { file, ...(at ? { line: at.line + 1, column: at.character + 1 } : {}), message: `module ${module}: ${ts.flattenDiagnosticMessageText(problem.messageText, ' ')}` },
    ]);
  }
  return out.outputText;
}

/** The module API as an ES module, read from the object forge puts on globalThis before it imports a descriptor. */
const apiShim = `const api = globalThis[Symbol.for('platform-forge.module-api')];
export const defineModule = api.defineModule;
export const moduleContractVersion = api.moduleContractVersion;
export const z = api.z;
`;

/**
 * Writes the staged copy of a module folder's code; returns the file to import. `label` is the folder as errors
 * show it, `module` the module's name.
 */
export async function stageDescriptor(dir: string, descriptorFile: string, label: string, module: string): Promise<string> {
  const files = codeFiles(dir);
  const sources = files.map((path) => [path, readFileSync(join(dir, path), 'utf8')] as const);
  const hash = createHash('sha256').update(`${forgeVersion}\0${forgeRoot}`);
  for (const [path, text] of sources) hash.update(`\0${path}\0${text}`);
  const root = join(tmpdir(), `forge-modules-${userInfo().uid}`);
  const staged = join(root, hash.digest('hex').slice(0, 32));
  const entry = join(staged, descriptorFile.replace(/\.m?ts$/, (ext) => (ext === '.mts' ? '.mjs' : '.js')));
  (globalThis as Record<symbol, unknown>)[moduleApiKey] = moduleApi;
  if (existsSync(entry)) return entry;
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, 'stage-'));
  try {
    writeFileSync(join(work, 'package.json'), '{ "type": "module" }\n');
    for (const [path, text] of sources) {
      const out = join(work, path.replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs'));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, /\.m?ts$/.test(path) ? await transpile(text, `${label}/${path}`, module) : text);
    }
    const api = join(work, 'node_modules', 'platform-forge');
    mkdirSync(api, { recursive: true });
    writeFileSync(join(api, 'package.json'), '{ "name": "platform-forge", "type": "module", "exports": { "./module": "./module.js" } }\n');
    writeFileSync(join(api, 'module.js'), apiShim);
    const zod = dirname(createRequire(import.meta.url).resolve('zod/package.json'));
    symlinkSync(zod, join(work, 'node_modules', 'zod'), 'dir');
    try {
      renameSync(work, staged);
    } catch (e) {
      // Another forge run staged the same contents first: theirs is as good as ours.
      if (!existsSync(entry)) throw e;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return entry;
}
