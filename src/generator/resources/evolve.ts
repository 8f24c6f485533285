import { tsString } from '../escape.js';
import type { Problem } from '../../errors.js';
import type { Resource } from '../../manifest/resource-checks.js';
import { names } from '../names.js';
import { entriesOf, printObject } from './layout.js';
import { tableProperties } from './migration.js';
import { columnChange, uniqueCheck } from './migration-changes.js';
import { sqlLiteral } from './fields.js';
import type { ColumnSnapshot, TableSnapshot } from './snapshot.js';

/*
 * What changed between the schema of the last generation and the manifest's, as the statements of one migration
 * (and their reverse, in reverse order). A change that would lose data is refused unless the manifest says so:
 * `drop: true` on a field, relation or resource, `renamed_from:` on a renamed field.
 */

export interface Evolution {
  up: string[];
  down: string[];
  problems: Problem[];
  /** The resources it touches, for the migration's name. */
  touched: string[];
}

const pad = '    ';

/** `const name = new Class({...});` as Prettier prints it. */
function declare(name: string, klass: string, code: string): string {
  if (!code.startsWith('{ ')) return `${pad}const ${name} = new ${klass}(${code});`;
  return printObject(4, `const ${name} = new ${klass}(`, entriesOf(code), ');');
}

function createTable(table: TableSnapshot): string {
  const p = tableProperties(table);
  return [`${pad}await queryRunner.createTable(`, '      new Table({', `        name: '${table.name}',`, p.columns, p.indices, ...(p.foreignKeys ? [p.foreignKeys] : []), '      }),', `${pad});`].join('\n');
}

export function evolve(previous: Record<string, TableSnapshot>, next: Record<string, TableSnapshot>, resources: readonly Resource[], dropped: readonly string[]): Evolution {
  const up: string[] = [];
  const down: string[] = [];
  const problems: Problem[] = [];
  const touched = new Set<string>();
  let n = 0;
  const step = (resource: string, forward: string, backward: string) => {
    touched.add(resource);
    if (forward) up.push(forward);
    if (backward) down.unshift(backward);
  };
  const byName = new Map(resources.map((r) => [r.name, r]));
  for (const table of Object.values(previous)) {
    const now = next[table.name];
    const resource = byName.get(table.resource);
    if (now === undefined) {
      const declared = resource === undefined ? dropped.includes(table.resource) : resource.dropRelations.some((r) => table.name === `${resource.name}_${r}`);
      if (!declared) {
        const where = resource === undefined ? `resources.${table.resource}` : `resources.${table.resource}.relations.${table.name.slice(table.resource.length + 1)}`;
        const mark = resource === undefined ? `${table.resource}: { drop: true }` : `${table.name.slice(table.resource.length + 1)}: { drop: true }`;
        problems.push({ file: 'forge.yaml', path: where, message: `is gone from forge.yaml, and table '${table.name}' holds its rows; to drop them, write \`${mark}\` in its place` });
        continue;
      }
      step(table.resource, `${pad}await queryRunner.dropTable('${table.name}');`, createTable(table));
      continue;
    }
    const [wasBase, isBase] = [table.columns.find((c) => c.type === 'base'), now.columns.find((c) => c.type === 'base')];
    if (wasBase?.code !== isBase?.code) {
      problems.push({ file: 'forge.yaml', path: `resources.${table.resource}.scope`, message: `changes whether '${table.name}' belongs to tenants, which its rows cannot follow; declare a new resource and move the rows` });
      continue;
    }
    const renames = new Map((resource?.fields ?? []).filter((f) => f.renamed_from !== undefined).map((f) => [names(f.renamed_from ?? '').propertyName, names(f.name).propertyName]));
    for (const fk of table.foreignKeys.filter((f) => !now.foreignKeys.some((g) => g.code === f.code))) {
      const v = `foreignKey${String(++n)}`;
      step(table.resource, `${declare(v, 'TableForeignKey', fk.code)}\n${pad}await queryRunner.dropForeignKey('${table.name}', ${v});`, `${declare(v, 'TableForeignKey', fk.code)}\n${pad}await queryRunner.createForeignKey('${table.name}', ${v});`);
    }
    for (const index of table.indices.filter((i) => !now.indices.includes(i) && !renamedIndex(i, renames, now.indices))) {
      const v = `index${String(++n)}`;
      step(table.resource, `${declare(v, 'TableIndex', index)}\n${pad}await queryRunner.dropIndex('${table.name}', ${v});`, `${declare(v, 'TableIndex', index)}\n${pad}await queryRunner.createIndex('${table.name}', ${v});`);
    }
    const fieldOf = (property: string) => resource?.fields.find((f) => names(f.name).propertyName === property);
    const fieldPath = (property: string) => `resources.${table.resource}${fieldOf(property) ? `.fields.${fieldOf(property)?.name ?? ''}` : ''}`;
    const change = (from: ColumnSnapshot, to: ColumnSnapshot) => {
      const result = columnChange(table.name, from, to, fieldOf(to.name), (code) => {
        const v = `column${String(++n)}`;
        return [v, declare(v, 'TableColumn', code)];
      });
      if ('problem' in result) problems.push({ file: 'forge.yaml', path: fieldPath(to.name), message: fieldOf(to.name) ? result.problem : `'${to.name}' ${result.problem}` });
      else if (result.up || result.down) step(table.resource, result.up, result.down);
    };
    for (const column of table.columns) {
      const target = renames.get(column.name);
      if (target !== undefined && !table.columns.some((c) => c.name === target)) {
        step(table.resource, `${pad}await queryRunner.renameColumn('${table.name}', '${column.name}', '${target}');`, `${pad}await queryRunner.renameColumn('${table.name}', '${target}', '${column.name}');`);
        const renamed = { ...column, name: target, code: column.code.replace(`name: '${column.name}'`, `name: '${target}'`) };
        const to = now.columns.find((c) => c.name === target);
        if (to !== undefined && (to.code !== renamed.code || String(to.values) !== String(renamed.values))) change(renamed, to);
        continue;
      }
      const same = now.columns.find((c) => c.name === column.name);
      if (same === undefined) {
        const field = column.name.replace(/Id$/, '');
        const declared = resource?.dropFields.some((f) => names(f).propertyName === column.name) || resource?.dropRelations.some((r) => names(r).propertyName === field);
        if (!declared) {
          problems.push({ file: 'forge.yaml', path: `resources.${table.resource}.fields`, message: `'${column.name}' is gone from forge.yaml, and its column holds data; to drop it, write \`<name>: { drop: true }\` in its place (or \`renamed_from:\` on its new name)` });
          continue;
        }
        step(table.resource, `${pad}await queryRunner.dropColumn('${table.name}', '${column.name}');`, addColumn(table.name, column, column.nullable ? undefined : (column.fill ?? placeholderOf(column)), `column${String(++n)}`));
      } else if (same.code !== column.code || String(same.values) !== String(column.values)) change(column, same);
    }
    for (const column of now.columns.filter((c) => !table.columns.some((d) => d.name === c.name) && ![...renames.values()].includes(c.name))) {
      const newField = fieldOf(column.name);
      const fill = column.fill ?? (newField?.backfill === undefined ? undefined : sqlLiteral(newField, newField.backfill));
      if (!column.nullable && fill === undefined) {
        problems.push({ file: 'forge.yaml', path: fieldPath(column.name), message: `${newField ? '' : `'${column.name}' `}is new and required, and the rows already there have no value for it: give it a \`default\` or a one-time \`backfill:\` value, or leave \`required\` out` });
        continue;
      }
      const v = `column${String(++n)}`;
      step(table.resource, addColumn(table.name, column, fill, v), `${pad}await queryRunner.dropColumn('${table.name}', '${column.name}');`);
    }
    for (const index of now.indices.filter((i) => !table.indices.includes(i) && !renamedIndex(i, reverse(renames), table.indices))) {
      const v = `index${String(++n)}`;
      const check = uniqueCheck(table.name, index);
      step(table.resource, `${check === undefined ? '' : `${check}\n`}${declare(v, 'TableIndex', index)}\n${pad}await queryRunner.createIndex('${table.name}', ${v});`, `${declare(v, 'TableIndex', index)}\n${pad}await queryRunner.dropIndex('${table.name}', ${v});`);
    }
    for (const fk of now.foreignKeys.filter((f) => !table.foreignKeys.some((g) => g.code === f.code))) {
      const v = `foreignKey${String(++n)}`;
      step(table.resource, `${declare(v, 'TableForeignKey', fk.code)}\n${pad}await queryRunner.createForeignKey('${table.name}', ${v});`, `${declare(v, 'TableForeignKey', fk.code)}\n${pad}await queryRunner.dropForeignKey('${table.name}', ${v});`);
    }
  }
  for (const table of Object.values(next).filter((t) => previous[t.name] === undefined && Object.values(previous).some((p) => p.resource === t.resource))) {
    step(table.resource, createTable(table), `${pad}await queryRunner.dropTable('${table.name}');`);
  }
  return { up, down, problems, touched: [...touched] };
}

/**
 * Adds a column to a table that may have rows: a NOT NULL one is added with `fill` as its default (the value the
 * rows get), which is then taken off, since the app gives defaults itself.
 */
function addColumn(table: string, column: ColumnSnapshot, fill: string | undefined, v: string): string {
  if (fill === undefined) return `${declare(v, 'TableColumn', column.code)}\n${pad}await queryRunner.addColumn('${table}', ${v});`;
  return [
    declare(v, 'TableColumn', column.code),
    declare(`${v}Filled`, 'TableColumn', column.code.replace(/ }$/, `, default: ${tsString(fill)} }`)),
    `${pad}await queryRunner.addColumn('${table}', ${v}Filled);`,
    `${pad}await queryRunner.changeColumn('${table}', ${v}Filled, ${v});`,
  ].join('\n');
}

/** What the rows get when a dropped required column comes back in a revert: its data went with the drop. */
function placeholderOf(column: ColumnSnapshot): string {
  if (column.type === 'integer' || column.type === 'decimal') return '0';
  if (column.type === 'boolean') return 'FALSE';
  if (column.type === 'date') return "'1970-01-01'";
  return column.values?.[0] === undefined ? "''" : `'${column.values[0]}'`;
}

const reverse = (map: Map<string, string>) => new Map([...map].map(([a, b]) => [b, a]));
/** An index that only follows a renamed column: TypeORM renames it with the column. */
function renamedIndex(index: string, renames: Map<string, string>, others: readonly string[]): boolean {
  return [...renames].some(([from, to]) => index.includes(`'${from}'`) && others.includes(index.replace(`'${from}'`, `'${to}'`)));
}
