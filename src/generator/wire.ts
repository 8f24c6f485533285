import { GenerateError } from '../errors.js';
import { names } from './names.js';
import type { Tree } from './tree.js';

/** The file where every module is registered in the generated app. */
export const wiringFile = 'src/modules.ts';

export interface Registration {
  /** e.g. billingAdvancedModule */
  symbol: string;
  /** e.g. ./modules/billing_advanced/index.js */
  from: string;
}

export function registrationOf(module: string): Registration {
  return { symbol: `${names(module).propertyName}Module`, from: `./modules/${module}/index.js` };
}

/** The module that gathers the manifest's resources (src/resources/index.ts), registered after every module. */
export const resourcesRegistration: Registration = { symbol: 'resourcesModule', from: './resources/index.js' };

type TsMorph = typeof import('ts-morph');
let tsMorph: Promise<TsMorph> | undefined;
/** ts-morph costs ~0.4 s and ~95 MiB to load: only when a file really needs an AST edit. */
const loadTsMorph = () => (tsMorph ??= import('ts-morph'));

/** Cheap textual test: is every registration there as wiring would write it, and no stale one left? */
function alreadyWired(text: string, registrations: Registration[], stale: Registration[]): boolean {
  const list = /export const modules\s*:[^=]*=\s*\[([^\]]*)\]/.exec(text)?.[1];
  if (list === undefined) return false;
  const elements = list.split(',').map((s) => s.trim()).filter(Boolean);
  return (
    registrations.every((r) => elements.includes(r.symbol) && text.includes(`import { ${r.symbol} } from '${r.from}';`)) &&
    stale.every((r) => !text.includes(r.from) && !elements.includes(r.symbol))
  );
}

/** Width the generated app's Prettier config wraps at; the modules array is written the way Prettier prints it. */
export const printWidth = 120;

const importLine = /^import (?:type )?\{ [\w, ]+ \} from '[^'\n]+';$/;
const identifier = /^[A-Za-z_$][\w$]*$/;

/**
 * src/modules.ts as forge writes it: comment lines, one import per line, a blank line, the `modules` array on one
 * line or one element per line. Such a file is wired as text (the same result as the AST edit, printed as
 * Prettier would), so `forge new` and an `add-module` on an untouched file never load ts-morph (~0.45 s, ~95 MiB).
 * Anything else (a comment in the array, code of the user's) goes through ts-morph.
 */
export function wireCanonically(text: string, registrations: Registration[], stale: Registration[]): string | undefined {
  const shape = /^((?:\/\/[^\n]*\n)*)((?:[^\n]+\n)*)\nexport const modules: AppModule\[\] = \[([^\]]*)\];\n$/.exec(text);
  if (shape === null) return undefined;
  const [, header = '', importBlock = '', list = ''] = shape;
  const imports = importBlock.split('\n').filter(Boolean);
  const elements = list.split(',').map((s) => s.trim()).filter(Boolean);
  const oneLine = !list.includes('\n');
  const multiLine = /^\n( {2}[A-Za-z_$][\w$]*,\n)+$/.test(list);
  if (!imports.every((line) => importLine.test(line)) || !elements.every((e) => identifier.test(e)) || !(oneLine || multiLine)) {
    return undefined;
  }
  const staleSymbols = new Set(stale.map((r) => r.symbol));
  const kept = imports.filter((line) => !stale.some((r) => line === `import { ${r.symbol} } from '${r.from}';`));
  // A stale registration written any other way (another name imported beside it) needs the AST edit.
  if (stale.some((r) => kept.some((line) => line.includes(`'${r.from}'`)))) return undefined;
  const wanted = elements.filter((e) => !staleSymbols.has(e));
  for (const r of registrations) {
    const line = `import { ${r.symbol} } from '${r.from}';`;
    if (!kept.includes(line)) kept.push(line);
    if (!wanted.includes(r.symbol)) wanted.push(r.symbol);
  }
  const single = `export const modules: AppModule[] = [${wanted.join(', ')}];`;
  const array = single.length <= printWidth ? single : `export const modules: AppModule[] = [\n${wanted.map((e) => `  ${e},\n`).join('')}];`;
  return `${header}${kept.map((line) => `${line}\n`).join('')}\n${array}\n`;
}

/** The AST edit: ensures each import and array element, removes stale ones, leaves the rest as written. */
export async function wireWithAst(text: string, registrations: Registration[], stale: Registration[]): Promise<string> {
  const { Project, Node, QuoteKind } = await loadTsMorph();
  const project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    manipulationSettings: { quoteKind: QuoteKind.Single },
  });
  const file = project.createSourceFile(wiringFile, text);
  const declaration = file.getVariableDeclaration('modules');
  const array = declaration?.getInitializer();
  if (!declaration || !array || !Node.isArrayLiteralExpression(array)) {
    throw new GenerateError(
      'wiring-anchor',
      wiringFile,
      `wire: cannot find \`export const modules: AppModule[] = [...]\`; add it back, or register by hand: ${registrations
        .map((r) => `import { ${r.symbol} } from '${r.from}'`)
        .join('; ')}`,
    );
  }
  for (const r of stale) {
    for (const d of file.getImportDeclarations().filter((i) => i.getModuleSpecifierValue() === r.from)) {
      d.getNamedImports().find((n) => n.getName() === r.symbol)?.remove();
      if (!d.getNamedImports().length && !d.getDefaultImport() && !d.getNamespaceImport()) d.remove();
    }
    for (const e of array.getElements().filter((el) => el.getText() === r.symbol)) array.removeElement(e);
  }
  for (const r of registrations) {
    const imported = file
      .getImportDeclarations()
      .some((d) => d.getModuleSpecifierValue() === r.from && d.getNamedImports().some((n) => n.getName() === r.symbol));
    if (!imported) file.addImportDeclaration({ namedImports: [r.symbol], moduleSpecifier: r.from });
    if (!array.getElements().some((e) => e.getText() === r.symbol)) array.addElement(r.symbol);
  }
  return file.getFullText();
}

/**
 * Registers modules in src/modules.ts: ensures each import and each element of the `modules` array, in order,
 * and removes the registrations of `known` modules that are no longer selected (and of the resources module when
 * the manifest has no resources left). Idempotent: what is already
 * right is left alone, and the rest of the file stays as written. Returns whether the file changed.
 */
export async function wireModules(tree: Tree, modules: string[], known: string[] = [], resources = false): Promise<boolean> {
  const registrations = [...modules.map(registrationOf), ...(resources ? [resourcesRegistration] : [])];
  const stale = [...known.filter((m) => !modules.includes(m)).map(registrationOf), ...(resources ? [] : [resourcesRegistration])];
  const text = tree.read(wiringFile);
  if (alreadyWired(text, registrations, stale)) return false;
  const wired = wireCanonically(text, registrations, stale) ?? (await wireWithAst(text, registrations, stale));
  return tree.write(wiringFile, wired);
}
