import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { formatProblem, InputError } from '../../src/errors.js';
import { parseManifest } from '../../src/generator/manifest.js';
import { generate } from '../../src/generator/pipeline.js';
import { loadRegistry } from '../../src/generator/registry.js';

const registry = await loadRegistry();

const v1 = `name: shop
resources:
  customers:
    fields:
      name: { type: string, max_length: 100, required: true }
      notes: { type: text }
  orders:
    fields:
      total: { type: decimal, precision: 10, scale: 2, required: true }
    relations:
      customer: { type: many_to_one, resource: customers, required: true, on_delete: cascade }
`;

type Files = Map<string, string>;

async function generation(text: string, previous?: Files): Promise<Files> {
  const result = await generate(parseManifest(text, registry), text, registry, previous ? { previous: Object.fromEntries(previous) } : {});
  return new Map(result.tree.entries());
}

const migrations = (files: Files) => [...files.keys()].filter((path) => path.startsWith('src/resources/migrations/')).sort();

async function refused(text: string, previous: Files): Promise<string[]> {
  try {
    await generation(text, previous);
  } catch (e) {
    if (e instanceof InputError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error('the change was accepted');
}

describe('resource migrations evolve with the manifest', () => {
  it('the first generation creates each table; regenerating the same manifest adds no migration', async () => {
    const first = await generation(v1);
    expect(migrations(first)).toEqual(['src/resources/migrations/2000000000001-create-customers.ts', 'src/resources/migrations/2000000000002-create-orders.ts']);
    const again = await generation(v1, first);
    expect([...again]).toEqual([...first]);
  });

  it('a change gets one migration for exactly that change, and shipped migrations stay byte for byte', async () => {
    const first = await generation(v1);
    const v2 = v1
      .replace('max_length: 100', 'max_length: 200')
      .replace('      notes: { type: text }\n', '      remarks: { type: text, renamed_from: notes }\n      vip: { type: boolean, default: false, index: true }\n')
      .concat('  products:\n    fields:\n      title: { type: string, required: true }\n')
      .replace('      customer: {', '      products: { type: many_to_many, resource: products }\n      customer: {');
    const second = await generation(v2, first);
    expect(migrations(second)).toEqual([...migrations(first), 'src/resources/migrations/2000000000003-create-products.ts', 'src/resources/migrations/2000000000004-change-customers-orders.ts']);
    for (const path of migrations(first)) expect(second.get(path)).toBe(first.get(path));
    const change = second.get('src/resources/migrations/2000000000004-change-customers-orders.ts') ?? '';
    expect(change).toContain("await retypeColumn(queryRunner, 'customers', column1, column2);");
    expect(change).toContain("await queryRunner.renameColumn('customers', 'notes', 'remarks');");
    expect(change).toContain("default: 'FALSE'");
    expect(change).toContain("await queryRunner.createIndex('customers', index");
    expect(change).toContain("name: 'orders_products',");
    expect(change).toContain("await queryRunner.dropTable('orders_products');");
    expect(second.get('src/resources/index.ts')).toContain('ResourcesChange2000000000004');
    for (const path of migrations(second)) {
      const text = second.get(path) ?? '';
      expect(await format(text, { parser: 'typescript', singleQuote: true, printWidth: 120 }), path).toBe(text);
    }
    // A later generation with nothing new keeps every migration, the change one included, and adds none.
    expect(migrations(await generation(v2, second))).toEqual(migrations(second));
  });

  it('a shipped migration is written as it shipped, even when forge would now render it differently', async () => {
    const first = await generation(v1);
    const path = 'src/resources/migrations/2000000000001-create-customers.ts';
    const shipped = new Map(first).set(path, `${first.get(path) ?? ''}// as it was when it shipped\n`);
    expect((await generation(v1, shipped)).get(path)).toBe(shipped.get(path));
  });

  it('refuses what would lose data unless the manifest says so', async () => {
    const first = await generation(v1);
    expect(await refused(v1.replace('      notes: { type: text }\n', ''), first)).toEqual([
      "forge.yaml:4:5 resources.customers.fields: 'notes' is gone from forge.yaml, and its column holds data; to drop it, write `<name>: { drop: true }` in its place (or `renamed_from:` on its new name)",
    ]);
    expect(await refused(v1.replace('max_length: 100', 'max_length: 50'), first)).toEqual([
      "forge.yaml:5:7 resources.customers.fields.name: changes from varchar(100) not null to varchar(50) not null, which cannot hold values longer than 50 characters; to make the change anyway, write `narrow: true` on the field (the migration then stops if any row holds such values, and changes no row)",
    ]);
    expect(await refused(v1.replace('      notes: { type: text }\n', '      notes: { type: text }\n      code: { type: string, required: true }\n'), first)).toEqual([
      "forge.yaml:7:7 resources.customers.fields.code: is new and required, and the rows already there have no value for it: give it a `default` or a one-time `backfill:` value, or leave `required` out",
    ]);
    const withoutOrders = v1.slice(0, v1.indexOf('  orders:'));
    expect(await refused(withoutOrders, first)).toEqual([
      'forge.yaml:3:3 resources.orders: is gone from forge.yaml, and table \'orders\' holds its rows; to drop them, write `orders: { drop: true }` in its place',
    ]);
  });

  it('drops what is marked drop: true, and the drop reverts to the column or table it was', async () => {
    const first = await generation(v1);
    const dropped = await generation(v1.replace('      notes: { type: text }\n', '      notes: { drop: true }\n').replace(/ {2}orders:[\s\S]*$/, '  orders: { drop: true }\n'), first);
    const change = dropped.get('src/resources/migrations/2000000000003-change-customers-orders.ts') ?? '';
    expect(change).toContain("await queryRunner.dropColumn('customers', 'notes');");
    expect(change).toContain("await queryRunner.dropTable('orders');");
    expect(change).toMatch(/async down[\s\S]*await queryRunner\.createTable\(\n {6}new Table\(\{\n {8}name: 'orders',/);
    expect([...dropped.keys()].some((path) => path.startsWith('src/resources/orders/'))).toBe(false);
    expect(await format(change, { parser: 'typescript', singleQuote: true, printWidth: 120 })).toBe(change);
  });

  it('a soft-deleting resource gets partial unique indexes; an app generated before them gets a migration that swaps them', async () => {
    const soft = v1.replace("      name: { type: string, max_length: 100, required: true }", "      name: { type: string, max_length: 100, required: true, unique: true }").replace('  customers:\n', '  customers:\n    soft_delete: true\n');
    const first = await generation(soft);
    const partial = `{ columnNames: ['tenantId', 'name'], isUnique: true, where: '"deletedAt" IS NULL' }`;
    expect(first.get('src/resources/migrations/2000000000001-create-customers.ts')).toContain(partial);
    expect(first.get('src/resources/customers/customer.entity.ts')).toContain(`@Index(['tenantId', 'name'], { unique: true, where: '"deletedAt" IS NULL' })`);
    // The state an app generated before partial indexes holds: the same index over every row.
    const before = new Map(first);
    const snapshot = (before.get('.forge/resources.json') ?? '').replace(`, where: '\\"deletedAt\\" IS NULL'`, '');
    expect(snapshot).not.toContain('deletedAt\\" IS NULL');
    before.set('.forge/resources.json', snapshot);
    const upgraded = await generation(soft, before);
    const change = upgraded.get('src/resources/migrations/2000000000003-change-customers.ts') ?? '';
    expect(change).toContain("await queryRunner.dropIndex('customers', index1);");
    expect(change).toContain(`where: '"deletedAt" IS NULL'`);
    expect(change).toContain("await queryRunner.createIndex('customers', index2);");
  });

  it('a global resource has no tenant column; a resource never changes scope', async () => {
    const global = v1.replace('  customers:\n', '  customers:\n    scope: global\n').replace(/  orders:[\s\S]*$/, '');
    const first = await generation(global);
    const migration = first.get('src/resources/migrations/2000000000001-create-customers.ts') ?? '';
    expect(migration).toContain('...globalColumns(queryRunner)');
    expect(migration).not.toContain('tenant');
    expect(first.get('src/resources/customers/customer.entity.ts')).toContain('export class Customer extends GlobalEntity {');
    expect(first.get('src/resources/customers/service.base.ts')).toContain('this.customers = globalRepository(context, Customer);');
    expect(await refused(global.replace('    scope: global\n', ''), first)).toEqual([
      "forge.yaml:4:5 resources.customers.scope: changes whether 'customers' belongs to tenants, which its rows cannot follow; declare a new resource and move the rows",
    ]);
  });
});
