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

/** The libraries and shared files every resource file may draw on, relative to src/resources/<name>/. */
export const sharedSources: readonly ImportSource[] = [
  { from: 'typeorm', values: ['Column', 'Entity', 'In', 'Index', 'IsNull', 'JoinColumn', 'ManyToOne', 'VersionColumn'] },
  { from: 'zod', values: ['z'] },
  {
    from: '../../modules/core/index.js',
    values: [
      'found',
      'NotFoundError',
      'PageQuery',
      'SoftDeletableTenantEntity',
      'softDeleteColumn',
      'tenantIndex',
      'TenantScopedEntity',
      'tenantRepository',
      'tenantScopedColumns',
    ],
    types: ['ModuleContext', 'Page', 'PageRequest', 'TenantRepository'],
  },
  { from: '../shared/columns.js', values: ['decimal'] },
  { from: '../shared/conflicts.js', values: ['staleVersion', 'writing'] },
  { from: '../shared/list-query.js', types: ['ListSort'] },
  { from: '../shared/references.js', values: ['checkReference', 'checkReferences', 'definedOnly'] },
  { from: '../shared/resource.js', values: ['permissionsOf'], types: ['ResourceContribution'] },
  {
    from: '../shared/schemas.js',
    values: ['BooleanFilter', 'CalendarDate', 'decimalString', 'Id', 'Instant', 'IntegerFilter', 'JsonObject', 'sortParameter', 'Timestamps'],
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
    const values = usedNames(source.values ?? [], plain);
    const types = usedNames(source.types ?? [], plain);
    if (values.length === 0 && types.length === 0) continue;
    if (values.length === 0) lines.push(importLine(types, source.from, true));
    else lines.push(importLine([...values, ...types.map((t) => `type ${t}`)], source.from));
  }
  return lines.join('\n');
}
