import { describe, expect, it } from 'vitest';
import { parseManifest, readManifest } from '../../src/generator/manifest.js';
import { singularOf } from '../../src/manifest/resource-checks.js';
import { fixtureModule, fixtureRegistry } from '../fixtures/registry.js';
import { loadRegistry } from '../../src/generator/registry.js';
import { forgeRoot } from '../../src/paths.js';
import { join } from 'node:path';
import { manifestProblems } from './manifest-problems.js';

const registry = fixtureRegistry(fixtureModule('core', [], { alwaysIncluded: true }));
const problemsOf = (resources: string) => manifestProblems(`name: a\nresources:\n${resources}`, registry);

describe('resources: every problem at once, with file:line:col, path and "did you mean"', () => {
  const cases: [string, string, string[]][] = [
    ['misspelt field key', '  projects:\n    fields:\n      name: { type: string, max_lenght: 10 }\n', ["forge.yaml:5:29 resources.projects.fields.name.max_lenght: unknown key (did you mean 'max_length'?)"]],
    ['misspelt resource key', '  projects:\n    field: { name: { type: string } }\n', ['forge.yaml:4:5 resources.projects.fields: is required', "forge.yaml:4:5 resources.projects.field: unknown key (did you mean 'fields'?)"]],
    ['unknown field type', '  projects:\n    fields:\n      name: { type: str }\n', ['forge.yaml:5:21 resources.projects.fields.name.type: expected one of "string"|"text"|"integer"|"decimal"|"boolean"|"date"|"datetime"|"enum"|"json"|"uuid"|"email"|"url"']],
    ['misspelt permission action', '  projects:\n    fields: { name: { type: string } }\n    permissions: { lst: "x:y" }\n', ["forge.yaml:5:20 resources.projects.permissions.lst: unknown key (did you mean 'list'?)"]],
    ['malformed permission', '  projects:\n    fields: { name: { type: string } }\n    permissions: { list: "List Projects" }\n', ['forge.yaml:5:26 resources.projects.permissions.list: a permission is `resource:action`: lower-case words joined by ":"']],
    ['decimal without precision', '  projects:\n    fields:\n      price: { type: decimal }\n', ['forge.yaml:5:14 resources.projects.fields.price: a decimal field needs `precision` (total digits) and `scale` (digits after the point)']],
    ['decimal too precise for SQLite', '  projects:\n    fields:\n      price: { type: decimal, precision: 20, scale: 2 }\n', ['forge.yaml:5:42 resources.projects.fields.price.precision: Too big: expected number to be <=15']],
    ['scale above precision', '  projects:\n    fields:\n      price: { type: decimal, precision: 4, scale: 6 }\n', ['forge.yaml:5:52 resources.projects.fields.price.scale: must be at most the precision (4)']],
    ['enum default not among the values', '  projects:\n    fields:\n      kind: { type: enum, values: [a, b], default: c }\n', ['forge.yaml:5:52 resources.projects.fields.kind.default: must be one of a, b']],
    ['enum without values', '  projects:\n    fields:\n      kind: { type: enum }\n', ['forge.yaml:5:13 resources.projects.fields.kind: an enum field needs `values`']],
    ['a key of another type', '  projects:\n    fields:\n      done: { type: boolean, max_length: 3 }\n', ['forge.yaml:5:42 resources.projects.fields.done.max_length: applies to string, text, email, url fields, not boolean']],
    ['bad pattern', '  projects:\n    fields:\n      code: { type: string, pattern: "[", example: A }\n', ['forge.yaml:5:38 resources.projects.fields.code.pattern: not a regular expression: Invalid regular expression: /[/: Unterminated character class']],
    ['pattern without an example', '  projects:\n    fields:\n      code: { type: string, pattern: "^[A-Z]+$" }\n', ['forge.yaml:5:38 resources.projects.fields.code.pattern: a field with a pattern needs an `example` (or a `default`) that matches it, for the generated tests']],
    ['example that does not match', '  projects:\n    fields:\n      code: { type: string, pattern: "^[A-Z]+$", example: abc }\n', ['forge.yaml:5:59 resources.projects.fields.code.example: does not match the pattern']],
    ['sortable field that may be empty', '  projects:\n    fields: { name: { type: string } }\n    sortable: [name]\n', ["forge.yaml:5:16 resources.projects.sortable[0]: 'name' may be empty, and a list cannot page past empty values: make it required or give it a default"]],
    ['unique json', '  projects:\n    fields:\n      data: { type: json, unique: true }\n', ['forge.yaml:5:35 resources.projects.fields.data.unique: a json field cannot be unique']],
    ['reserved field', '  projects:\n    fields:\n      version: { type: integer }\n', ["forge.yaml:5:7 resources.projects.fields.version: 'version' is a column forge adds itself (id, tenant_id, created_at, updated_at, deleted_at, version)"]],
    ['camelCase field', '  projects:\n    fields:\n      dueAt: { type: datetime }\n', ['forge.yaml:5:7 resources.projects.fields.dueAt: a field name is snake_case, starting with a letter']],
    ['bad resource name', '  Projects:\n    fields: { name: { type: string } }\n', ['forge.yaml:3:3 resources.Projects: a resource name is snake_case, starting with a letter, at most 40 characters']],
    ['reserved resource name', '  tenants:\n    fields: { name: { type: string } }\n', ["forge.yaml:3:3 resources.tenants: 'tenants' is reserved (tenants, migrations, resources, testing, shared)"]],
    ['relation to an unknown resource', '  projects:\n    fields: { name: { type: string } }\n    relations:\n      owner: { type: many_to_one, resource: peple }\n  people:\n    fields: { name: { type: string } }\n', ["forge.yaml:6:45 resources.projects.relations.owner.resource: unknown resource 'peple' (did you mean 'people'?)"]],
    ['one_to_many without its inverse', '  projects:\n    fields: { name: { type: string } }\n    relations:\n      tasks: { type: one_to_many, resource: tasks, inverse: projet }\n  tasks:\n    fields: { title: { type: string } }\n    relations:\n      project: { type: many_to_one, resource: projects }\n', ["forge.yaml:6:61 resources.projects.relations.tasks.inverse: 'tasks' has no many_to_one relation 'projet' to 'projects' (did you mean 'project'?)"]],
    ['set_null on a required relation', '  projects:\n    fields: { name: { type: string } }\n  tasks:\n    fields: { title: { type: string } }\n    relations:\n      project: { type: many_to_one, resource: projects, required: true, on_delete: set_null }\n', ['forge.yaml:8:84 resources.tasks.relations.project.on_delete: set_null cannot empty a required relation; use cascade or restrict']],
    ['on_delete on many_to_many', '  tasks:\n    fields: { title: { type: string } }\n    relations:\n      labels: { type: many_to_many, resource: labels, on_delete: cascade }\n  labels:\n    fields: { name: { type: string } }\n', ["forge.yaml:6:66 resources.tasks.relations.labels.on_delete: applies to many_to_one and one_to_one relations; a many_to_many relation's rows go with either side"]],
    ['global pointing at tenant rows', '  countries:\n    scope: global\n    fields: { name: { type: string } }\n    relations:\n      owner: { type: many_to_one, resource: people }\n  people:\n    fields: { name: { type: string } }\n', ["forge.yaml:7:45 resources.countries.relations.owner.resource: a global resource cannot point to 'people', whose rows belong to tenants"]],
    ['global with many_to_many to tenant rows', '  countries:\n    scope: global\n    fields: { name: { type: string } }\n    relations:\n      people: { type: many_to_many, resource: people }\n  people:\n    fields: { name: { type: string } }\n', ["forge.yaml:7:47 resources.countries.relations.people.resource: a global resource cannot point to 'people', whose rows belong to tenants"]],
    ['misspelt expandable relation', '  tasks:\n    fields: { title: { type: string } }\n    relations:\n      owner: { type: many_to_one, resource: tasks }\n    expandable: [ownr]\n', ["forge.yaml:7:18 resources.tasks.expandable[0]: no relation 'ownr' (did you mean 'owner'?); expandable: owner"]],
    ['expandable one_to_many', '  projects:\n    fields: { name: { type: string } }\n    relations:\n      tasks: { type: one_to_many, resource: tasks, inverse: project }\n    expandable: [tasks]\n  tasks:\n    fields: { title: { type: string } }\n    relations:\n      project: { type: many_to_one, resource: projects }\n', ['forge.yaml:7:18 resources.projects.expandable[0]: a one_to_many relation has no bound to expand within; list its rows with GET /tasks?project=<id>']],
    ['personal field without a subject', '  people:\n    fields:\n      email: { type: email, personal: contact }\n', ["forge.yaml:5:39 resources.people.fields.email.personal: whose personal data? add `subject: <field>` to 'people', naming a uuid field that holds the id of the person's account (e.g. `user_id: { type: uuid }`)"]],
    ['unknown personal category', '  people:\n    subject: user_id\n    fields:\n      user_id: { type: uuid }\n      email: { type: email, personal: contacts }\n', ['forge.yaml:7:39 resources.people.fields.email.personal: is true or one of contact, identity, financial, behavioural, content']],
    ['subject of the wrong type', '  people:\n    subject: age\n    fields:\n      age: { type: integer }\n      email: { type: email, personal: true }\n', ["forge.yaml:4:14 resources.people.subject: 'age' is a integer field; a subject holds an account id (uuid or string)"]],
    ['misspelt subject', '  people:\n    subject: usr_id\n    fields:\n      user_id: { type: uuid }\n', ["forge.yaml:4:14 resources.people.subject: no field 'usr_id' (did you mean 'user_id'?); name the field that holds the id of the person's account"]],
    ['sensitive field in a list option', '  people:\n    fields:\n      pin: { type: string, sensitive: true }\n    filterable: [pin]\n', ["forge.yaml:6:18 resources.people.filterable[0]: 'pin' is sensitive (write-only): a list cannot be filtered by it, or it would leak"]],
    ['relation clashing with a field', '  tasks:\n    fields: { title: { type: string }, project_id: { type: uuid } }\n    relations:\n      project: { type: many_to_one, resource: tasks }\n', ["forge.yaml:6:7 resources.tasks.relations.project: clashes with the field 'project_id'"]],
    ['sortable field that does not exist', '  projects:\n    fields: { name: { type: string, required: true } }\n    sortable: [nam]\n', ["forge.yaml:5:16 resources.projects.sortable[0]: no field 'nam' (did you mean 'name'?)"]],
    ['sort on a type that cannot page', '  projects:\n    fields: { due: { type: datetime, required: true } }\n    sortable: [due]\n', ['forge.yaml:5:16 resources.projects.sortable[0]: a datetime field cannot be sortable; sortable types: string, integer, enum, date, uuid, email']],
    ['filter on a relation of another kind', '  projects:\n    fields: { name: { type: string } }\n    filterable: [owner]\n', ["forge.yaml:5:18 resources.projects.filterable[0]: no field 'owner'"]],
    ['search on a number', '  projects:\n    fields: { n: { type: integer } }\n    searchable: [n]\n', ['forge.yaml:5:18 resources.projects.searchable[0]: a integer field cannot be searchable; searchable types: string, text, email, url']],
    ['two resources with one singular', '  boxes:\n    fields: { name: { type: string } }\n  boxs:\n    fields: { name: { type: string } }\n', ["forge.yaml:5:3 resources.boxs: one row of 'boxs' and of 'boxes' would both be called 'box'; set `singular:`"]],
    ['resources pointing at each other', '  projects:\n    fields: { name: { type: string } }\n    relations:\n      lead: { type: many_to_one, resource: people }\n  people:\n    fields: { name: { type: string } }\n    relations:\n      favourite: { type: many_to_one, resource: projects }\n', ['forge.yaml:10:18 resources.people.relations.favourite: resources point at each other in a loop (projects → people → projects); make one side a one_to_many']],
    ['not a mapping', '  - projects\n', ['forge.yaml:3:3 resources: expected record, received array']],
  ];
  it.each(cases)('%s', (_, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it('reports resource problems together with module problems', () => {
    const problems = manifestProblems('name: a\nmodules:\n  - name: cor\nresources:\n  projects:\n    fields: { name: { type: strin } }\n', registry);
    expect(problems).toHaveLength(2);
    expect(problems[1]).toMatch(/modules\[0\]\.name: unknown module 'cor' \(did you mean 'core'\?\)/);
    expect(problems[0]).toMatch(/^forge.yaml:6:29 resources.projects.fields.name.type: expected one of/);
  });
});

describe('resources: what a valid section becomes', () => {
  it('defaults scope, permissions, on_delete and keeps manifest order', () => {
    const manifest = parseManifest(
      'name: a\nresources:\n  tasks:\n    fields: { title: { type: string, required: true } }\n    relations:\n      project: { type: many_to_one, resource: projects, required: true }\n      owner: { type: many_to_one, resource: projects }\n  projects:\n    fields: { name: { type: string } }\n    permissions: { list: "projects:read" }\n',
      registry,
    );
    const [tasks, projects] = manifest.resources ?? [];
    expect(tasks).toMatchObject({ name: 'tasks', singular: 'task', scope: 'tenant', softDelete: false, versioned: false });
    expect(tasks?.relations.map((r) => [r.name, r.onDelete])).toEqual([['project', 'restrict'], ['owner', 'set_null']]);
    expect(projects?.permissions).toEqual({ list: 'projects:read', read: 'projects:read', create: 'projects:create', update: 'projects:update', delete: 'projects:delete' });
  });

  it('a manifest without resources has none', () => {
    expect(parseManifest('name: a\n', registry).resources).toBeUndefined();
  });

  it('names one row of a resource', () => {
    expect(['projects', 'categories', 'boxes', 'people', 'statuses', 'data'].map(singularOf)).toEqual(['project', 'category', 'box', 'people', 'status', 'data']);
  });

  it('accepts the project-tracker example', async () => {
    const manifest = readManifest(join(forgeRoot, 'examples', 'project-tracker.yaml'), await loadRegistry());
    expect(manifest.resources?.map((r) => r.name)).toEqual(['countries', 'people', 'projects', 'tasks', 'labels']);
  });
});
