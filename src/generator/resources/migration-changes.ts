import type { ResourceField } from '../../manifest/resource-checks.js';
import { tsString } from '../escape.js';
import { sqlLiteral } from './fields.js';
import type { ColumnSnapshot } from './snapshot.js';

/*
 * A column that stays but changes: its type, length, digits, enum values or whether it is required. A widening
 * (every value it held still fits) migrates. A narrowing (values that may not fit) is refused unless the field says
 * `narrow: true`; then the migration first counts the rows that do not fit and stops with their number if there
 * are any, on both databases, so nothing is truncated or rounded silently. A field that becomes required needs a
 * value for the rows without one: its `default`, or a one-time `backfill:`. A change between unrelated types
 * (a boolean becoming a date) is refused whatever the manifest says: forge cannot know how one becomes the other.
 * The statements run through the generated src/resources/shared/migration-steps.ts.
 */

/** What a narrowing can lose, and the SQL condition of the rows that would lose it. */
interface Loss {
  what: string;
  rows: string;
}

export type ColumnChange = { up: string; down: string } | { problem: string };

const textual = ['varchar', 'text'];
const numeric = ['integer', 'decimal'];
const int32 = { digits: 10, max: 2147483647 };

/** Digits before the point and after it. */
const digitsOf = (c: ColumnSnapshot) => (c.type === 'integer' ? { whole: int32.digits, scale: 0 } : { whole: (c.precision ?? 10) - (c.scale ?? 0), scale: c.scale ?? 0 });

/** What going from `from` to `to` can lose (nothing: a widening), or undefined for types that do not convert. */
export function lossesOf(from: ColumnSnapshot, to: ColumnSnapshot): Loss[] | undefined {
  const column = `"${to.name}"`;
  const losses: Loss[] = [];
  if (textual.includes(from.type) && textual.includes(to.type)) {
    const [before, after] = [from.type === 'text' ? Infinity : (from.length ?? 255), to.type === 'text' ? Infinity : (to.length ?? 255)];
    if (after < before) losses.push({ what: `values longer than ${String(after)} characters`, rows: `LENGTH(${column}) > ${String(after)}` });
  } else if (numeric.includes(from.type) && numeric.includes(to.type)) {
    const [before, after] = [digitsOf(from), digitsOf(to)];
    if (after.scale < before.scale) losses.push({ what: after.scale ? `values with more than ${String(after.scale)} digits after the point` : 'values with a fractional part', rows: `${column} != ROUND(${column}, ${String(after.scale)})` });
    if (to.type === 'integer' && from.type === 'decimal' && before.whole >= int32.digits) {
      losses.push({ what: 'values outside the 32-bit integer range', rows: `${column} > ${String(int32.max)} OR -${column} > ${String(int32.max + 1)}` });
    } else if (after.whole < before.whole) {
      losses.push({ what: `values of ${String(after.whole)} or more digits before the point`, rows: `ABS(${column}) >= 1${'0'.repeat(after.whole)}` });
    }
  } else if (from.type !== to.type) return undefined;
  const removed = from.values?.filter((v) => !(to.values ?? from.values)?.includes(v)) ?? [];
  if (removed.length) losses.push({ what: `the value${removed.length > 1 ? 's' : ''} ${removed.join(', ')}`, rows: `${column} IN (${removed.map((v) => `'${v}'`).join(', ')})` });
  return losses;
}

const pad = '    ';
const describe = (c: ColumnSnapshot) =>
  `${c.type}${c.length === undefined ? '' : `(${String(c.length)})`}${c.precision === undefined ? '' : `(${String(c.precision)},${String(c.scale)})`}${c.values === undefined ? '' : ` [${c.values.join(', ')}]`}${c.nullable ? '' : ' not null'}`;

/** `await fn(args);` in a migration body, broken over lines as Prettier does past 120 characters. */
function call(fn: string, args: string[]): string {
  const line = `${pad}await ${fn}(${args.join(', ')});`;
  return line.length <= 120 ? line : [`${pad}await ${fn}(`, ...args.map((a) => `${pad}  ${a},`), `${pad});`].join('\n');
}

/** The statements that take `table`'s column from one snapshot to the other: checks, backfill, then the change. */
function statements(table: string, from: ColumnSnapshot, to: ColumnSnapshot, fill: string | undefined, declare: (code: string) => [string, string]): string {
  const lines = (lossesOf(from, to) ?? []).map((loss) => call('requireFits', ['queryRunner', `'${table}'`, tsString(loss.rows), tsString(`hold ${loss.what}`)]));
  if (fill !== undefined) lines.push(call('backfillColumn', ['queryRunner', `'${table}'`, `'${to.name}'`, tsString(fill)]));
  if (from.code !== to.code) {
    const [[a, declareA], [b, declareB]] = [declare(from.code), declare(to.code)];
    lines.push(declareA, declareB, call('retypeColumn', ['queryRunner', `'${table}'`, a, b]));
  }
  return lines.join('\n');
}

/**
 * The up and down of one changed column (`declare` writes `const name = new TableColumn(...)`), or the problem that
 * refuses it. `field` is the manifest's field, for `narrow:` and `backfill:`.
 */
export function columnChange(
  table: string,
  from: ColumnSnapshot,
  to: ColumnSnapshot,
  field: ResourceField | undefined,
  declare: (code: string) => [string, string],
): ColumnChange {
  const losses = lossesOf(from, to);
  if (losses === undefined) {
    return { problem: `changes from ${describe(from)} to ${describe(to)}, types forge does not convert between; add a field under a new name for the new type (and \`drop: true\` this one when its data is moved)` };
  }
  if (losses.length && field?.narrow !== true) {
    const lost = losses.map((l) => l.what).join(' and ');
    return { problem: `changes from ${describe(from)} to ${describe(to)}, which cannot hold ${lost}; to make the change anyway, write \`narrow: true\` on the field (the migration then stops if any row holds such values, and changes no row)` };
  }
  let fill: string | undefined;
  if (from.nullable && !to.nullable) {
    fill = field?.backfill !== undefined ? sqlLiteral(field, field.backfill) : to.fill;
    if (fill === undefined) return { problem: 'becomes required, and rows there may have no value for it: give it a `default`, or a one-time `backfill:` value for those rows' };
  }
  // An enum value added changes no column: nothing to migrate (and nothing to check on the way down).
  if (!losses.length && fill === undefined && from.code === to.code) return { up: '', down: '' };
  return { up: statements(table, from, to, fill, declare), down: statements(table, to, from, undefined, declare) };
}

/** Before a unique index is added to a table that has rows: stop with the number of duplicates, not a bare error. */
export function uniqueCheck(table: string, index: string): string | undefined {
  if (!/isUnique: true/.test(index)) return undefined;
  const columns = [...(/columnNames: \[([^\]]*)\]/.exec(index)?.[1] ?? '').matchAll(/'(\w+)'/g)].map((m) => m[1] ?? '');
  const where = /where: '((?:[^'\\]|\\.)*)'/.exec(index)?.[1];
  return call('requireUnique', ['queryRunner', `'${table}'`, `[${columns.map((c) => `'${c}'`).join(', ')}]`, ...(where === undefined ? [] : [`'${where}'`])]);
}
