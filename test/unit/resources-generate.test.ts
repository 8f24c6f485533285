import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/generator/manifest.js';
import { generate } from '../../src/generator/pipeline.js';
import { loadRegistry } from '../../src/generator/registry.js';
import { forgeRoot } from '../../src/paths.js';

const registry = await loadRegistry();
const example = readFileSync(join(forgeRoot, 'examples', 'project-tracker.yaml'), 'utf8');

/** Every kind of field and relation, long names, and a resource with neither relations nor sortable fields. */
const everything = `name: stress
resources:
  warehouse_locations:
    description: "Where stock is kept: 'aisle' and \\"bay\\""
    fields:
      warehouse_location_name: { type: string, max_length: 200, required: true, unique: true, index: true }
      notes: { type: text }
      shelf_count: { type: integer, min: -5, max: 500, default: 3 }
      unit_price_amount: { type: decimal, precision: 15, scale: 4, min: 0, max: 99999 }
      is_active: { type: boolean, default: true }
      opened_on: { type: date, required: true }
      last_audited_at: { type: datetime }
      status: { type: enum, values: [open, closed, "under-review"], default: open }
      attributes: { type: json }
      external_reference: { type: uuid, unique: true }
      contact_email: { type: email }
      homepage: { type: url }
      code: { type: string, max_length: 10, pattern: "^[A-Z]{2}-[0-9]+/x$", example: "AB-1/x" }
    relations:
      parent_location: { type: many_to_one, resource: warehouse_locations }
      manager: { type: one_to_one, resource: staff_members, required: true, on_delete: restrict }
      tags: { type: many_to_many, resource: tags }
      region: { type: many_to_one, resource: regions, on_delete: restrict }
    sortable: [warehouse_location_name, shelf_count, status, opened_on]
    filterable: [is_active, status, shelf_count, opened_on, manager, parent_location, contact_email]
    searchable: [warehouse_location_name, notes]
    soft_delete: true
    versioned: true
    permissions: { list: "stock:read", read: "stock:read" }
    expandable: [parent_location, manager, tags, region]
  staff_members:
    subject: account_identifier
    fields:
      full_name: { type: string, required: true, personal: identity }
      account_identifier: { type: uuid }
      national_insurance_number: { type: string, max_length: 20, sensitive: true, personal: identity }
      access_pin: { type: integer, sensitive: true }
  tags:
    fields:
      flag: { type: boolean }
  regions:
    scope: global
    soft_delete: true
    fields:
      region_name: { type: string, max_length: 120, required: true, unique: true }
    relations:
      neighbours: { type: many_to_many, resource: regions }
    expandable: [neighbours]
`;

async function generated(text: string) {
  const result = await generate(parseManifest(text, registry), text, registry);
  return new Map(result.tree.entries().filter(([path]) => path.startsWith('src/resources/') || path === 'src/modules.ts'));
}

describe('generated resources', () => {
  it.each([
    ['the project-tracker example', example],
    ['every field type, relation and option', everything],
  ])('%s: every file is printed as Prettier prints it', async (_, text) => {
    const files = await generated(text);
    expect(files.size).toBeGreaterThan(20);
    for (const [path, content] of files) {
      if (!path.endsWith('.ts')) continue;
      expect(await format(content, { parser: 'typescript', singleQuote: true, printWidth: 120 }), path).toBe(content);
    }
  });

  it('the same manifest gives byte-identical files', async () => {
    expect([...(await generated(everything))]).toEqual([...(await generated(everything))]);
  });

  it('registers the resources module after every module, and removes it with the last resource', async () => {
    const files = await generated(example);
    expect(files.get('src/modules.ts')).toContain('export const modules: AppModule[] = [coreModule, authModule, resourcesModule];');
    const none = await generated('name: plain\nmodules:\n  - name: auth\n');
    expect(none.get('src/modules.ts')).not.toContain('resources');
    expect([...none.keys()].filter((path) => path.startsWith('src/resources/'))).toEqual([]);
  });

  it('reads as the manifest says: expansions allowed and documented, write-only fields never answered, personal data contributed', async () => {
    const files = await generated(example);
    const tasks = files.get('src/resources/tasks/schemas.ts') ?? '';
    expect(tasks).toContain("export const taskExpandable = ['project', 'assignee', 'labels'] as const;");
    expect(tasks).toContain('assignee: PersonResponse.nullable().optional(),');
    expect(tasks).toContain('labels: z.array(LabelResponse).optional(),');
    expect(files.get('src/resources/tasks/routes.base.ts')).toContain('expansionsOf(query.expand, taskExpandable)');
    const people = files.get('src/resources/people/schemas.ts') ?? '';
    const [create = '', response = ''] = [people.split('export const PersonCreate')[1]?.split('});')[0], people.split('export const PersonResponse')[1]?.split('});')[0]];
    expect(create).toContain('payrollNumber');
    expect(response).not.toContain('payrollNumber');
    expect(files.get('src/resources/people/service.base.ts')).not.toContain('row.payrollNumber');
    const index = files.get('src/resources/people/index.ts') ?? '';
    expect(index).toContain("sensitiveFields: ['payrollNumber'],");
    expect(index).toContain("subject: 'userId',");
    expect(index).toContain("fields: { name: 'identity', email: 'contact' },");
    expect(files.get('src/resources/countries/country.entity.ts')).toContain('export class Country extends GlobalEntity {');
  });

  it('creates tables in an order where every key points to a table that exists, numbered not timestamped', async () => {
    const files = [...(await generated(example)).keys()].filter((path) => path.includes('/migrations/'));
    expect(files).toEqual([
      'src/resources/migrations/2000000000001-create-countries.ts',
      'src/resources/migrations/2000000000002-create-people.ts',
      'src/resources/migrations/2000000000003-create-projects.ts',
      'src/resources/migrations/2000000000004-create-labels.ts',
      'src/resources/migrations/2000000000005-create-tasks.ts',
    ]);
  });

  it('keeps the seam: the service and routes that are yours never depend on fields', async () => {
    const before = await generated(example);
    const after = await generated(example.replace('      done: { type: boolean, default: false }\n', '      done: { type: boolean, default: false }\n      priority: { type: integer, min: 1, max: 5, default: 3 }\n'));
    for (const file of ['service.ts', 'routes.ts']) expect(after.get(`src/resources/tasks/${file}`)).toBe(before.get(`src/resources/tasks/${file}`));
    expect(after.get('src/resources/tasks/schemas.ts')).toContain('priority: z.int32().min(1).max(5).default(3)');
    expect(after.get('src/resources/tasks/task.entity.ts')).toContain('priority!: number;');
  });

  it('escapes what the manifest says: descriptions become comments and literals that cannot break out', async () => {
    const index = (await generated(everything)).get('src/resources/warehouse_locations/index.ts') ?? '';
    expect(index).toContain(`description: 'Where stock is kept: \\'aisle\\' and "bay"',`);
  });
});
