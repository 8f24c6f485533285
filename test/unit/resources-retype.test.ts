import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { formatProblem, InputError } from '../../src/errors.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { generate } from '../../src/generator/pipeline.js';
import { loadRegistry } from '../../src/generator/registry.js';

/** A column that stays and changes: widenings migrate, narrowings need `narrow: true`, required needs a value. */

const registry = await loadRegistry();

const v1 = `name: shop
resources:
  items:
    fields:
      name: { type: string, max_length: 40 }
      body: { type: text }
      count: { type: integer }
      price: { type: decimal, precision: 8, scale: 2 }
      status: { type: enum, values: [new, open, shut] }
      code: { type: string, max_length: 10 }
`;

type Files = Map<string, string>;

async function generation(text: string, previous?: Files): Promise<Files> {
  const result = await generate(parseManifest(text, registry), text, registry, previous ? { previous: Object.fromEntries(previous) } : {});
  return new Map(result.tree.entries());
}

async function change(text: string): Promise<string> {
  const files = await generation(text, await generation(v1));
  const path = [...files.keys()].find((p) => p.includes('/migrations/') && p.includes('-change-'));
  if (path === undefined) throw new Error('no change migration');
  const migration = files.get(path) ?? '';
  expect(await format(migration, { parser: 'typescript', singleQuote: true, printWidth: 120 })).toBe(migration);
  return migration;
}

async function refused(text: string): Promise<string[]> {
  const first = await generation(v1);
  try {
    await generation(text, first);
  } catch (e) {
    if (e instanceof InputError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error('the change was accepted');
}

const up = (migration: string) => migration.slice(migration.indexOf('async up'), migration.indexOf('async down'));
const down = (migration: string) => migration.slice(migration.indexOf('async down'));
const field = (name: string, spec: string) => (text: string) => text.replace(new RegExp(`^ {6}${name}: .*$`, 'm'), `      ${name}: ${spec}`);
const edit = (...edits: ((text: string) => string)[]) => edits.reduce((text, e) => e(text), v1);

describe('a widened column migrates and keeps its rows', () => {
  it('longer string, string to text, integer to enough decimal digits, more digits, more enum values: retyped, no checks on the way up', async () => {
    const migration = await change(
      edit(
        field('name', '{ type: string, max_length: 80 }'),
        field('code', '{ type: text }'),
        field('count', '{ type: decimal, precision: 12, scale: 2 }'),
        field('price', '{ type: decimal, precision: 10, scale: 3 }'),
        field('status', '{ type: enum, values: [new, open, shut, gone] }'),
      ),
    );
    expect(up(migration)).not.toContain('requireFits');
    for (const column of ['name', 'code', 'count', 'price']) expect(up(migration)).toContain(`name: '${column}'`);
    expect(up(migration).match(/await retypeColumn\(queryRunner, 'items', column\d+, column\d+\);/g)).toHaveLength(4);
    // The down narrows back, so it stops on rows that would not fit instead of truncating them.
    expect(down(migration)).toContain(`await requireFits(queryRunner, 'items', 'LENGTH("name") > 40', 'hold values longer than 40 characters');`);
    expect(down(migration)).toContain(`'"count" != ROUND("count", 0)', 'hold values with a fractional part'`);
    expect(down(migration)).toContain(`'"count" > 2147483647 OR -"count" > 2147483648',\n      'hold values outside the 32-bit integer range',`);
    expect(down(migration)).toContain(`'"price" != ROUND("price", 2)'`);
    expect(migration).toContain("from '../shared/migration-steps.js'");
  });

  it('an added enum value alone changes no column and writes no migration', async () => {
    const files = await generation(edit(field('status', '{ type: enum, values: [new, open, shut, gone] }')), await generation(v1));
    expect([...files.keys()].filter((p) => p.includes('-change-'))).toEqual([]);
  });
});

describe('a narrowed column is refused unless the field says narrow: true', () => {
  it('names the field at its line, what could be lost and the flag that allows it', async () => {
    expect(
      await refused(
        edit(
          field('name', '{ type: string, max_length: 20 }'),
          field('body', '{ type: string, max_length: 100 }'),
          field('count', '{ type: decimal, precision: 6, scale: 2 }'),
          field('price', '{ type: integer }'),
          field('status', '{ type: enum, values: [new, shut] }'),
          field('code', '{ type: boolean }'),
        ),
      ),
    ).toEqual([
      'forge.yaml:5:7 resources.items.fields.name: changes from varchar(40) to varchar(20), which cannot hold values longer than 20 characters; to make the change anyway, write `narrow: true` on the field (the migration then stops if any row holds such values, and changes no row)',
      'forge.yaml:6:7 resources.items.fields.body: changes from text to varchar(100), which cannot hold values longer than 100 characters; to make the change anyway, write `narrow: true` on the field (the migration then stops if any row holds such values, and changes no row)',
      'forge.yaml:7:7 resources.items.fields.count: changes from integer to decimal(6,2), which cannot hold values of 4 or more digits before the point; to make the change anyway, write `narrow: true` on the field (the migration then stops if any row holds such values, and changes no row)',
      'forge.yaml:8:7 resources.items.fields.price: changes from decimal(8,2) to integer, which cannot hold values with a fractional part; to make the change anyway, write `narrow: true` on the field (the migration then stops if any row holds such values, and changes no row)',
      'forge.yaml:9:7 resources.items.fields.status: changes from varchar(63) [new, open, shut] to varchar(63) [new, shut], which cannot hold the value open; to make the change anyway, write `narrow: true` on the field (the migration then stops if any row holds such values, and changes no row)',
      'forge.yaml:10:7 resources.items.fields.code: changes from varchar(10) to boolean, types forge does not convert between; add a field under a new name for the new type (and `drop: true` this one when its data is moved)',
    ]);
  });

  it('with narrow: true, the migration checks every row fits before it changes the column', async () => {
    const migration = await change(
      edit(
        field('name', '{ type: string, max_length: 20, narrow: true }'),
        field('price', '{ type: integer, narrow: true }'),
        field('status', '{ type: enum, values: [new, shut], narrow: true }'),
      ),
    );
    const checks = [
      `await requireFits(queryRunner, 'items', 'LENGTH("name") > 20', 'hold values longer than 20 characters');`,
      `await requireFits(queryRunner, 'items', '"price" != ROUND("price", 0)', 'hold values with a fractional part');`,
      `await requireFits(queryRunner, 'items', '"status" IN (\\'open\\')', 'hold the value open');`,
    ];
    for (const check of checks) expect(up(migration)).toContain(check);
    // Each check comes before the change of its column.
    expect(up(migration).indexOf(checks[0] ?? '')).toBeLessThan(up(migration).indexOf('retypeColumn'));
    // Removing an enum value changes no column: only the check is written.
    expect(up(migration).match(/retypeColumn\(/g)).toHaveLength(2);
  });

  it('narrow: true does not make unrelated types convert', async () => {
    expect((await refused(edit(field('code', '{ type: date, narrow: true }'))))[0]).toMatch(/code: changes from varchar\(10\) to date, types forge does not convert between/);
  });
});

describe('a field that becomes required', () => {
  it('is refused without a default or a backfill', async () => {
    expect(await refused(edit(field('name', '{ type: string, max_length: 40, required: true }')))).toEqual([
      'forge.yaml:5:7 resources.items.fields.name: becomes required, and rows there may have no value for it: give it a `default`, or a one-time `backfill:` value for those rows',
    ]);
  });

  it('fills the rows without a value from backfill (or the default), then sets NOT NULL; the down only relaxes it', async () => {
    const backfilled = await change(edit(field('name', `{ type: string, max_length: 40, required: true, backfill: "it's unnamed" }`)));
    expect(up(backfilled)).toMatch(/await backfillColumn\(queryRunner, 'items', 'name', "'it''s unnamed'"\);\n(.*new TableColumn.*\n){2} {4}await retypeColumn\(queryRunner, 'items', column1, column2\);/);
    expect(down(backfilled)).not.toContain('backfillColumn');
    const defaulted = await change(edit(field('count', '{ type: integer, default: 7 }')));
    expect(up(defaulted)).toContain("await backfillColumn(queryRunner, 'items', 'count', '7');");
  });

  it('a new required field may be backfilled instead of given a default', async () => {
    const migration = await change(v1.replace(/\n$/, '\n      due: { type: date, required: true, backfill: "2026-01-31" }\n'));
    expect(up(migration)).toContain(`default: "'2026-01-31'"`);
  });

  it('backfill is checked against the field type', async () => {
    const bad = (spec: string) => parseManifest(edit(field('name', spec)), registry);
    expect(() => bad('{ type: integer, required: true, backfill: "x" }')).toThrow(/fields\.name\.backfill: must be a whole number/);
    expect(() => bad('{ type: date, required: true, backfill: "31/01/2026" }')).toThrow(/backfill: must be a date such as 2026-01-31/);
    expect(() => bad('{ type: string, max_length: 3, required: true, backfill: "long" }')).toThrow(/backfill: is longer than max_length \(3\)/);
    expect(() => bad('{ type: json, required: true, backfill: "{}" }')).toThrow(/a json field cannot be backfilled/);
    expect(() => bad('{ type: string, backfill: "x" }')).toThrow(/backfill: applies to a required field/);
  });
});

describe('a unique index added to a table that has rows', () => {
  it('counts the duplicates first, so the migration stops with their number instead of a bare constraint error', async () => {
    const migration = await change(edit(field('code', '{ type: string, max_length: 10, unique: true }')));
    expect(up(migration)).toMatch(/await requireUnique\(queryRunner, 'items', \['tenantId', 'code'\]\);\n {4}const index\d+ = new TableIndex\(\{ columnNames: \['tenantId', 'code'\], isUnique: true \}\);/);
  });
});
