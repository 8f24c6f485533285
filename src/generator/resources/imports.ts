import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templatesDir } from '../../paths.js';
import { importLine, usedNames } from './layout.js';

/*
 * The import block of a generated resource file, worked out from what its rendered code uses: a resource without
 * decimals imports no `decimal`, one without relations no `checkReference`, and lint finds nothing unused.
 */

export interface ImportSource {
  from: string;
  values?: readonly string[];
  types?: readonly string[];
}

interface Platform {
  fromResourceFolder: string;
  fromResourcesFolder: string;
  values: string[];
  types: string[];
}

let loaded: Platform | undefined;
/** The platform's building blocks, as templates/resources/platform.json names them. */
export function platform(from: 'fromResourceFolder' | 'fromResourcesFolder'): ImportSource {
  loaded ??= JSON.parse(readFileSync(join(templatesDir, 'resources', 'platform.json'), 'utf8')) as Platform;
  return { from: loaded[from], values: loaded.values, types: loaded.types };
}

/** The libraries and shared files every resource file may draw on, relative to src/resources/<name>/. */
export const sharedSources: readonly ImportSource[] = [
  { from: 'typeorm', values: ['Column', 'Entity', 'In', 'Index', 'IsNull', 'JoinColumn', 'ManyToOne', 'VersionColumn'] },
  { from: 'zod', values: ['z'] },
  platform('fromResourceFolder'),
  { from: '../shared/columns.js', values: ['decimal'] },
  { from: '../shared/conflicts.js', values: ['staleVersion', 'writing'] },
  { from: '../shared/expand.js', values: ['expandParameter', 'expansionsOf', 'rowsById'] },
  { from: '../shared/global.js', values: ['GlobalEntity', 'globalColumns', 'globalRepository', 'SoftDeletableGlobalEntity'], types: ['GlobalRepository'] },
  { from: '../shared/list-query.js', values: ['searchWhere'], types: ['ListSort'] },
  { from: '../shared/personal-data.js', values: ['resourcePersonalData'] },
  { from: '../shared/references.js', values: ['checkReference', 'checkReferences', 'definedOnly'] },
  { from: '../shared/resource.js', values: ['permissionsOf'], types: ['ResourceContribution'] },
  {
    from: '../shared/schemas.js',
    values: ['BooleanFilter', 'CalendarDate', 'decimalString', 'Id', 'Instant', 'IntegerFilter', 'JsonObject', 'SearchText', 'sortParameter', 'Timestamps'],
  },
];

/** Code without its comments and single-quoted strings, so a word in either is never taken for a use. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:[^'\\\n]|\\.)*'/g, "''");
}

/**
 * One import line per source the code uses, in the order of `sources`; names a source offers only as types are
 * imported with `type`, and a source used only for types gets `import type`.
 */
export function importsFor(code: string, sources: readonly ImportSource[]): string {
  const plain = codeOnly(code);
  const lines: string[] = [];
  for (const source of sources) {
    const values = usedNames([...new Set(source.values)], plain);
    const types = usedNames([...new Set(source.types)], plain);
    if (values.length === 0 && types.length === 0) continue;
    if (values.length === 0) lines.push(importLine(types, source.from, true));
    else lines.push(importLine([...values, ...types.map((t) => `type ${t}`)], source.from));
  }
  return lines.join('\n');
}

/** What a migration that changes tables may use. */
export const migrationSources: readonly ImportSource[] = [
  { from: 'typeorm', values: ['Table', 'TableColumn', 'TableForeignKey', 'TableIndex'], types: ['MigrationInterface', 'QueryRunner'] },
  platform('fromResourceFolder'),
  { from: '../shared/global.js', values: ['globalColumns'] },
  { from: '../shared/migration-steps.js', values: ['backfillColumn', 'requireFits', 'requireUnique', 'retypeColumn'] },
];
