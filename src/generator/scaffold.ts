import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { templatesDir } from '../paths.js';
import { names } from './names.js';

/**
 * The files of a new module of a team's own (`forge module new`): templates/module-scaffold/ with the module's
 * names written in. The tokens are plain text (`__className__`), not Handlebars, because the scaffold's own files
 * are templates forge renders later (readme.md.hbs), and because the files stay TypeScript Prettier can format.
 */
export function scaffoldModule(name: string, timestamp: number): [string, string][] {
  const n = names(name);
  const tokens: Record<string, string> = {
    __name__: n.name,
    __className__: n.className,
    __propertyName__: n.propertyName,
    __fileName__: n.fileName,
    __title__: n.title,
    __timestamp__: String(timestamp),
  };
  const fill = (text: string) => text.replace(/__(name|className|propertyName|fileName|title|timestamp)__/g, (token) => tokens[token] ?? token);
  const root = join(templatesDir, 'module-scaffold');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort()
    .map((path): [string, string] => [fill(path), fill(readFileSync(join(root, path), 'utf8'))]);
}
