import { names } from '../names.js';
import { printArray, printObject } from './layout.js';
import { platform, sharedSources, type ImportSource } from './imports.js';
import { tablesOf, type MigrationModel } from './migration.js';
import { uniqueColumns, uniqueWhere } from './snapshot.js';
import type { ResourceModel, TargetModel } from './model.js';

/** What each resource template is rendered with, where it lands, and what its import block may draw on. */

export interface RenderedFile {
  template: string;
  path: string;
  context: object;
  sources: readonly ImportSource[];
}

export interface EveryResource {
  models: ResourceModel[];
  /** The first migration of each resource new in this generation. */
  migrations: Map<string, MigrationModel>;
}

const entityPath = (resource: string, file: string, from: 'same' | 'resource' | 'tests') =>
  from === 'same' ? `./${file}.entity.js` : from === 'tests' ? `../${file}.entity.js` : `../${resource}/${file}.entity.js`;

function entitySources(model: ResourceModel, from: 'same' | 'tests'): ImportSource[] {
  const own = { from: entityPath(model.name, model.singular.fileName, from), values: [model.singular.className] };
  const joins = model.collections.map((c) => ({ from: entityPath(model.name, c.joinFile, from), values: [c.joinClass] }));
  const targets = model.targets
    .filter((t) => t.resource !== model.name)
    .map((t: TargetModel) => ({ from: from === 'same' ? entityPath(t.resource, t.fileName, 'resource') : `../../${t.resource}/${t.fileName}.entity.js`, values: [t.className] }));
  return [own, ...joins, ...targets];
}

/** The lines of the entity's body, in groups separated by a blank line. */
function entityMembers(model: ResourceModel): string[][] {
  const members: string[][] = model.fields.map((f) => [...(f.description ? [`/** ${f.description} */`] : []), ...f.entity]);
  for (const key of model.keys) {
    members.push(['@Index()', `@Column({ type: 'varchar', length: 36${key.nullable ? ', nullable: true' : ''} })`, `${key.property}!: string${key.nullable ? ' | null' : ''};`]);
    members.push([`@ManyToOne(() => ${key.target.className}, { onDelete: '${key.onDelete}' })`, `@JoinColumn({ name: '${key.property}' })`, `${key.relation}?: ${key.target.className};`]);
  }
  if (model.versioned) members.push(['@VersionColumn()', 'version!: number;']);
  return members;
}

/** The object literal of a change: Prettier prints `{}` for none and `{ a: 1 }` for some. */
const literal = (entries: string[]) => (entries.length ? `{ ${entries.join(', ')} }` : '{}');

/** `async list(...)` on one line when it fits, else one parameter per line, as Prettier prints it. */
function listSignature(model: ResourceModel, sortType: string): string {
  const name = model.singular.className;
  const expand = model.expansions.length ? [`expand: readonly ${name}Expandable[] = []`] : [];
  const params = [`filters: ${name}Filters`, `sort: ListSort<${sortType}>`, 'page: PageRequest', ...expand];
  const item = model.expansions.length ? `${name}Expanded` : `${name}Response`;
  const line = `  async list(${params.join(', ')}): Promise<Page<${item}>> {`;
  return line.length <= 120 ? line : `  async list(\n${params.map((p) => `    ${p},\n`).join('')}  ): Promise<Page<${item}>> {`;
}

/** A method's first line at the class body's indent, its parameters one per line when it does not fit, as Prettier prints it. */
function signature(head: string, params: string[], returns: string): string {
  const line = `  ${head}(${params.join(', ')}): ${returns} {`;
  return line.length <= 120 ? line : `  ${head}(\n${params.map((p) => `    ${p},\n`).join('')}  ): ${returns} {`;
}

/** `head body` on one line at `indent` when it fits, else the body on the next line, indented once more. */
function fits(indent: number, head: string, body: string): string {
  const pad = ' '.repeat(indent);
  return `${pad}${head} ${body}`.length <= 120 ? `${pad}${head} ${body}` : `${pad}${head}\n${pad}  ${body}`;
}

/** What a read may expand: the services that present the related rows (one per target, this one for itself). */
function expansionContext(model: ResourceModel) {
  const presenter = (t: TargetModel) => (t.resource === model.name ? 'this' : `this.${t.repository}Views`);
  const services = new Map(model.expansions.filter((e) => e.target.resource !== model.name).map((e) => [e.target.resource, e.target]));
  return {
    expansions: model.expansions.map((e) => ({
      ...e,
      presenter: presenter(e.target),
      schema: e.many ? `z.array(${e.target.response}).optional()` : `${e.target.response}.nullable().optional()`,
    })),
    expansionServices: [...services.values()].map((t) => ({ property: `${t.repository}Views`, service: t.service, title: t.title })),
    expandedSignature: signature('protected async expanded', [`views: readonly ${model.singular.className}Response[]`, `expand: readonly ${model.singular.className}Expandable[]`], `Promise<${model.singular.className}Expanded[]>`),
    readSignature: signature('async read', ['id: string', `expand: readonly ${model.singular.className}Expandable[] = []`], `Promise<${model.singular.className}Expanded>`),
    readQueryLine: printObject(0, `export const ${model.singular.className}ReadQuery = z.object(`, [`expand: expandParameter(${model.singular.propertyName}Expandable)`], ');'),
    readHandler: fits(6, `handler: ({ params, query }) =>`, `service.read(params.id, expansionsOf(query.expand, ${model.singular.propertyName}Expandable)),`),
    expandableLine: printArray(0, `export const ${model.singular.propertyName}Expandable = `, model.expansions.map((e) => `'${e.name}'`), ' as const;'),
    responseSchema: model.expansions.length ? `${model.singular.className}Expanded` : `${model.singular.className}Response`,
  };
}

/** Write-only fields, and what a person's export holds. */
function privacyContext(model: ResourceModel) {
  const sensitive = model.fields.filter((f) => f.sensitive);
  const personal = model.fields.filter((f) => f.personal !== undefined && !f.sensitive);
  return {
    sensitiveList: sensitive.map((f) => `'${f.property}'`).join(', '),
    sensitiveNames: sensitive.map((f) => f.property).join(', '),
    personalFields: model.subject === undefined || personal.length === 0 ? '' : printObject(4, 'fields: ', personal.map((f) => `${f.property}: '${f.personal ?? ''}'`), ','),
  };
}

function resourceContext(model: ResourceModel, every: EveryResource): object {
  const migration = every.migrations.get(model.name);
  const change = model.changeable ? [`${model.changeable.property}: ${model.changeable.sample}`] : [];
  const version = model.versioned ? ['version: created.version'] : [];
  const bodyValue = (who: string) => (model.keys.some((k) => !k.nullable) ? `await ${model.singular.propertyName}Body(${who})` : `${model.singular.propertyName}Body()`);
  const collectionNames = model.collections.map((c) => c.name);
  return {
    ...model,
    migration: migration ?? {},
    tagDescription: model.rawDescription || `The ${model.plural.title.toLowerCase()} of a tenant`,
    ...expansionContext(model),
    ...privacyContext(model),
    base: model.global ? (model.softDelete ? 'SoftDeletableGlobalEntity' : 'GlobalEntity') : model.softDelete ? 'SoftDeletableTenantEntity' : 'TenantScopedEntity',
    joinBase: model.global ? 'GlobalEntity' : 'TenantScopedEntity',
    anyTenantTarget: model.targets.some((t) => !t.global),
    uniqueIndexes: uniqueColumns(model).map((p) => `[${model.global ? '' : "'tenantId', "}'${p}'], { unique: true${uniqueWhere(model)} }`),
    members: entityMembers(model),
    patterns: model.fields.flatMap((f) => (f.pattern === undefined ? [] : [f.pattern])),
    hasRelations: model.keys.length + model.collections.length > 0,
    create: [...model.fields.map((f) => `${f.property}: ${f.create}`), ...model.keys.map((k) => `${k.property}: ${k.create}`), ...model.collections.map((c) => `${c.property}: z.array(Id).max(100).optional()`)],
    update: [
      ...model.fields.map((f) => `${f.property}: ${f.update}`),
      ...model.keys.map((k) => `${k.property}: ${k.update}`),
      ...model.collections.map((c) => `${c.property}: z.array(Id).max(100).optional()`),
      ...(model.versioned ? ['version: z.int32().min(1).max(2147483647)'] : []),
    ],
    query: [
      `sort: sortParameter(${model.singular.propertyName}Sortable)`,
      ...(model.searchable.length ? ['q: SearchText.optional()'] : []),
      ...model.filters.map((f) => `${f.property}: ${f.schema}`),
      ...(model.expansions.length ? [`expand: expandParameter(${model.singular.propertyName}Expandable)`] : []),
    ],
    searchableLine: printArray(0, `export const ${model.singular.propertyName}Searchable = `, model.searchable.map((s) => `'${s}'`), ' as const;'),
    firstSearchable: model.searchable[0] ?? '',
    response: [
      'id: z.string()',
      ...model.readable.map((f) => `${f.property}: ${f.response}`),
      ...model.keys.map((k) => `${k.property}: ${k.response}`),
      ...model.collections.map((c) => `${c.property}: z.array(z.string())`),
      ...(model.versioned ? ['version: z.int32()'] : []),
    ],
    listSignature: listSignature(model, model.sortable.length ? `(typeof ${model.singular.propertyName}Sortable)[number]` : `'id'`),
    sortableList: model.sortable.map((s) => `'${s}'`).join(', '),
    filterableLine: printArray(0, 'const filterable: readonly string[] = ', model.filters.map((f) => `'${f.property}'`), ';'),
    uniqueList: model.unique.map((u) => `'${u}'`).join(', '),
    createSpread: model.collections.length ? `const { ${[...model.collections.map((c) => c.property), '...values'].join(', ')} } = input;` : 'const values = input;',
    updateSpread:
      model.collections.length || model.versioned
        ? `const { ${[...model.collections.map((c) => c.property), ...(model.versioned ? ['version'] : []), '...values'].join(', ')} } = input;`
        : 'const values = input;',
    repositories: [
      { property: model.plural.propertyName, className: model.singular.className, global: model.global },
      ...model.collections.map((c) => ({ property: c.joinRepository, className: c.joinClass, global: model.global })),
      ...model.targets.filter((t) => t.resource !== model.name).map((t) => ({ property: t.repository, className: t.className, global: t.global })),
    ].map((r) => ({ ...r, type: r.global ? 'GlobalRepository' : 'TenantRepository', factory: r.global ? 'globalRepository' : 'tenantRepository' })),
    entityList: [model.singular.className, ...model.collections.map((c) => c.joinClass)].join(', '),
    tables: tablesOf(model),
    dropOrder: [...model.collections.map((c) => c.table).reverse(), model.name],
    collectionNames: collectionNames.join(', '),
    change: literal(change),
    changeVersioned: literal([...change, ...version]),
    versionOnly: literal(version),
    bodyValue: bodyValue('caller'),
    bodyValueOther: bodyValue('other'),
    foreignKeys: model.global || ![...model.keys, ...model.collections].some((k) => !k.target.global) ? '' : printArray(4, 'const foreignKeys: Record<string, unknown>[] = ', [
      ...model.keys.filter((k) => !k.target.global).map((k) => `{ ${k.property}: (await ${k.target.create}(other)).id }`),
      ...model.collections.filter((c) => !c.target.global).map((c) => `{ ${c.property}: [(await ${c.target.create}(other)).id] }`),
    ], ';'),
    ...testContext(model),
    taken: printArray(4, 'const taken = ', model.unique.map((u) => `{ ${u}: first.${u} }`), ';'),
    sameValues: printObject(4, 'const sameValues = ', model.unique.map((u) => `${u}: first.${u}`), ';'),
    bodySpread: model.keys.some((k) => !k.nullable) ? `(${bodyValue('caller')})` : bodyValue('caller'),
    bodySpreadOther: model.keys.some((k) => !k.nullable) ? `(${bodyValue('other')})` : bodyValue('other'),
  };
}

/** What the tests of expansions, transactions, write-only and personal fields are rendered with. */
function testContext(model: ResourceModel) {
  const link = (e: ResourceModel['expansions'][number]) => (e.many ? `${e.ids}: [(await ${e.target.create}(by)).id]` : `${e.ids}: (await ${e.target.create}(by)).id`);
  const tenantExpansions = model.global
    ? []
    : model.expansions
        .filter((e) => !e.target.global)
        .map((e) => {
          const collection = model.collections.find((c) => c.name === e.name);
          const className = names(e.name).className;
          const link = collection
            ? printObject(4, `const link${className} = `, ['id: randomUUID()', 'tenantId: tenant', `${collection.ownKey}: created.id`, `${collection.otherKey}: foreign${className}.id`], ';')
            : '';
          return { ...e, className, link, ...(collection ? { joinClass: collection.joinClass } : {}) };
        });
  const keyChanges = tenantExpansions.filter((e) => !e.many).map((e) => `${e.ids}: foreign${e.className}.id`);
  const sensitive = model.fields.filter((f) => f.sensitive);
  const needsCaller = model.keys.some((k) => !k.nullable);
  return {
    expandAll: model.expansions.map((e) => e.name).join(','),
    expandAllList: model.expansions.map((e) => e.name).join(', '),
    expandLinks: printObject(4, 'const links = ', model.expansions.map(link), ';'),
    tenantExpansions,
    tenantKeyChange: keyChanges.length ? printObject(4, 'const pointers = ', keyChanges, ';') : '',
    changeParse: printObject(4, `const change = ${model.singular.className}Update.parse(`, [...(model.changeable ? [`${model.changeable.property}: ${model.changeable.sample}`] : []), ...(model.versioned ? ['version: created.version'] : [])], ');'),
    bodyValueFresh: needsCaller ? `await ${model.singular.propertyName}Body(fresh)` : `${model.singular.propertyName}Body()`,
    freshCaller: needsCaller,
    sensitive,
    secretLine: printObject(4, 'const secret = ', sensitive.map((f) => `${f.property}: ${f.sample}`), ';'),
    personal: model.fields.filter((f) => f.personal !== undefined && !f.sensitive),
  };
}

/** Every file of one resource. */
export function resourceFiles(model: ResourceModel, every: EveryResource): RenderedFile[] {
  const dir = `src/resources/${model.name}`;
  const context = resourceContext(model, every);
  const own = entitySources(model, 'same');
  const name = model.singular.className;
  const schemas = {
    from: './schemas.js',
    values: [`${name}Create`, `${name}Expanded`, `${name}Query`, `${name}ReadQuery`, `${name}Response`, `${name}Update`, `${model.singular.propertyName}Expandable`, `${model.singular.propertyName}Sortable`],
  };
  const schemaTypes = { from: './schemas.js', values: [`${model.singular.propertyName}Searchable`], types: [...schemas.values, `${name}Expandable`] };
  const others = [...new Map(model.expansions.filter((e) => e.target.resource !== model.name).map((e) => [e.target.resource, e.target])).values()];
  const targetSchemas = others.map((t) => ({ from: `../${t.resource}/schemas.js`, values: [t.response] }));
  const targetServices = others.map((t) => ({ from: `../${t.resource}/service.base.js`, values: [t.service] }));
  const targetsOfTests = model.targets.map((t) => t.create);
  return [
    { template: 'entity.ts.hbs', path: `${dir}/${model.singular.fileName}.entity.ts`, context, sources: [...sharedSources, ...own.filter((s) => s.from.startsWith('../'))] },
    ...model.collections.map((collection) => ({
      template: 'join-entity.ts.hbs',
      path: `${dir}/${collection.joinFile}.entity.ts`,
      context: { ...context, collection, ownRelation: model.singular.propertyName, otherRelation: collection.otherKey.replace(/Id$/, '') },
      sources: [...sharedSources, ...own.filter((s) => s.from !== `./${collection.joinFile}.entity.js`)],
    })),
    { template: 'schemas.ts.hbs', path: `${dir}/schemas.ts`, context, sources: [...sharedSources, ...targetSchemas] },
    { template: 'service.base.ts.hbs', path: `${dir}/service.base.ts`, context, sources: [...sharedSources, ...own, schemaTypes, ...targetServices] },
    {
      template: 'routes.base.ts.hbs',
      path: `${dir}/routes.base.ts`,
      context,
      sources: [
        platform('fromResourceFolder'),
        { from: '../shared/expand.js', values: ['expansionsOf'] },
        { from: '../shared/list-query.js', values: ['checkListQuery', 'filtersOf'] },
        { from: '../shared/schemas.js', values: ['IdParams'] },
        schemas,
        { from: './service.base.js', types: [`${model.plural.className}ServiceBase`] },
      ],
    },
    { template: 'service.ts.hbs', path: `${dir}/service.ts`, context, sources: [] },
    { template: 'routes.ts.hbs', path: `${dir}/routes.ts`, context, sources: [] },
    {
      template: 'index.ts.hbs',
      path: `${dir}/index.ts`,
      context,
      sources: [
        ...sharedSources,
        { from: './routes.base.js', values: [`${model.plural.propertyName}Permissions`] },
        { from: './routes.js', values: [`${model.plural.propertyName}Routes`] },
        { from: './service.js', values: [`${model.plural.className}Service`] },
        ...own,
      ],
    },
    ...(every.migrations.has(model.name) ? [{ template: 'migration.ts.hbs', path: every.migrations.get(model.name)!.file, context, sources: sharedSources }] : []),
    {
      template: 'tests/resource.test.ts.hbs',
      path: `${dir}/tests/${model.name}.test.ts`,
      context,
      sources: [
        { from: 'node:crypto', values: ['randomUUID'] },
        { from: 'vitest', values: ['afterAll', 'beforeAll', 'describe', 'expect', 'it', 'vi'] },
        { from: `../${platform('fromResourceFolder').from}`, values: ['createLogger', 'runWithTenant', 'TenantRepository'] },
        { from: '../../index.js', values: ['resourcesModule'] },
        { from: '../../shared/global.js', values: ['GlobalRepository'] },
        { from: '../../testing/resource-api.js', values: ['allPermissionsBut', 'as', 'startResourceTestApp', 'unique'], types: ['Caller'] },
        { from: '../../testing/samples.js', values: [`create${model.singular.className}`, `${model.singular.propertyName}Body`, ...targetsOfTests], types: ['Row'] },
        ...entitySources(model, 'tests').slice(0, 1 + model.collections.length),
        { from: '../routes.base.js', values: [`${model.plural.propertyName}Permissions`] },
        { from: '../schemas.js', values: [`${model.singular.className}Create`, `${model.singular.className}Update`] },
        { from: '../service.base.js', values: [`${model.plural.className}ServiceBase`] },
      ],
    },
  ];
}

/** What every resource's files need to know of the others: their models and the migrations that create them. */
export function contexts(models: ResourceModel[], migrations: Map<string, MigrationModel>): EveryResource {
  return { models, migrations };
}

/** The context and import sources of the files rendered once: the module, which lists every migration, and the test samples. */
export function appContext(models: ResourceModel[], migrations: readonly { number: number; file: string }[]): { context: object; sources: ImportSource[] } {
  const ordered = [...migrations].sort((a, b) => a.number - b.number).map((m) => ({ ...m, className: classOf(m.file, m.number) }));
  const context = {
    resources: models.map((m) => ({
      ...m,
      sampleUsesCaller: m.keys.some((k) => !k.nullable),
      bodyCall: m.keys.some((k) => !k.nullable) ? `(await ${m.singular.propertyName}Body(caller))` : `${m.singular.propertyName}Body()`,
    })),
    resourcesLine: printArray(0, 'export const resources: readonly ResourceContribution[] = ', models.map((m) => `${m.plural.propertyName}Resource`), ';'),
    erasureLine: printArray(0, 'const erasureOrder = ', erasureOrder(models).map((m) => `${m.plural.propertyName}Resource`), ';'),
    migrationsLine: printArray(2, 'migrations: ', ordered.map((m) => m.className), ','),
  };
  const sources: ImportSource[] = [
    platform('fromResourcesFolder'),
    { from: './shared/personal-data.js', values: ['combinedPersonalData'] },
    { from: './shared/resource.js', types: ['ResourceContribution'] },
    ...models.map((m) => ({ from: `./${m.name}/index.js`, values: [`${m.plural.propertyName}Resource`] })),
    ...ordered.map((m) => ({ from: `./${m.file.replace(/^src\/resources\//, '').replace(/\.ts$/, '.js')}`, values: [m.className] })),
  ];
  return { context, sources };
}

/** Resources whose rows point to others first, so erasing a person's rows never trips over a key still held. */
function erasureOrder(models: readonly ResourceModel[]): ResourceModel[] {
  const order: ResourceModel[] = [];
  const placed = new Set<string>();
  const visit = (model: ResourceModel) => {
    if (placed.has(model.name)) return;
    placed.add(model.name);
    for (const other of models) if (other.name !== model.name && other.targets.some((t) => t.resource === model.name)) visit(other);
    order.push(model);
  };
  models.forEach(visit);
  return order;
}

/** A migration's class from its file: `2000000000003-create-labels.ts` → ResourcesCreateLabels2000000000003. */
function classOf(file: string, number: number): string {
  const [, verb = '', rest = ''] = /\d+-(create|change)-(.+)\.ts$/.exec(file) ?? [];
  const subject = verb === 'create' ? rest.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') : '';
  return `Resources${verb.charAt(0).toUpperCase()}${verb.slice(1)}${subject}${String(number)}`;
}

/** What the shared test helpers import. */
export const testingSources: readonly ImportSource[] = [
  { from: 'node:crypto', values: ['randomUUID'] },
  { from: 'vitest', values: ['expect'] },
  { from: './resource-api.js', values: ['unique'], types: ['Caller'] },
];
