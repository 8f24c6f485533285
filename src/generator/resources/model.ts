import type { Resource, ResourceRelation } from '../../manifest/resource-checks.js';
import { singularOf } from '../../manifest/resource-checks.js';
import { commentText } from '../escape.js';
import { names, type Names } from '../names.js';
import { fieldModel, type FieldModel } from './fields.js';

/** What the resource templates render one resource from: every name and every line that depends on the manifest. */

export interface TargetModel {
  resource: string;
  /** Project */
  className: string;
  /** project (its entity is ../projects/project.entity.js) */
  fileName: string;
  /** projects: the service's repository of the target */
  repository: string;
  /** "project": how a message names one row */
  title: string;
  /** createProject: the test helper that makes one */
  create: string;
  /** Its rows are shared by every tenant (`scope: global`). */
  global: boolean;
  /** ProjectResponse, in ../projects/schemas.js: the shape of an expanded row */
  response: string;
  /** ProjectsServiceBase, in ../projects/service.base.js: what turns its rows into responses */
  service: string;
}

/** A relation `?expand=` may load: the rows it points to, read with one query for a whole page. */
export interface ExpansionModel {
  name: string;
  /** assignee / labels: the key of the expanded row(s) in a response */
  property: string;
  /** assigneeId / labelIds: where the ids come from */
  ids: string;
  many: boolean;
  nullable: boolean;
  target: TargetModel;
}

/** A many_to_one or one_to_one relation: a key column on this resource's table. */
export interface KeyModel {
  name: string;
  /** projectId: column, property and JSON key */
  property: string;
  /** project: the TypeORM relation (never loaded; it makes the foreign key) */
  relation: string;
  target: TargetModel;
  onDelete: 'CASCADE' | 'RESTRICT' | 'SET NULL';
  nullable: boolean;
  unique: boolean;
  create: string;
  update: string;
  response: string;
}

/** A many_to_many relation: a join table of pairs. */
export interface CollectionModel {
  name: string;
  /** labelIds: the JSON key of the ids */
  property: string;
  target: TargetModel;
  /** TaskLabel, in task-label.entity.ts */
  joinClass: string;
  joinFile: string;
  /** taskLabels: the service's repository of the join table */
  joinRepository: string;
  /** tasks_labels */
  table: string;
  /** taskId, labelId */
  ownKey: string;
  otherKey: string;
  /** setLabels */
  setter: string;
}

export interface ResourceModel {
  name: string;
  /** For comments (one line, inert). */
  description: string;
  /** As the manifest says it, for string literals. */
  rawDescription: string;
  /** Task / task / task (file) */
  singular: Names;
  /** Tasks / tasks */
  plural: Names;
  title: string;
  softDelete: boolean;
  versioned: boolean;
  fields: FieldModel[];
  keys: KeyModel[];
  collections: CollectionModel[];
  /** Every other resource the service reads (to check keys), each once. */
  targets: TargetModel[];
  unique: string[];
  sortable: string[];
  /** The fields `?q=` searches. */
  searchable: string[];
  defaultSort: string;
  filters: { property: string; schema: string }[];
  permissions: Record<'list' | 'read' | 'create' | 'update' | 'delete', string>;
  /** The body of a valid create, as TypeScript entries (`title: unique('title', 200)`), keys to this tenant's rows. */
  sample: string[];
  /** A field whose value every sample varies: the change the tests make. */
  changeable?: FieldModel;
  /** A field of the resource that is not filterable, for the undeclared-filter test. */
  unfilterable?: string;
  /** Rows shared by every tenant (`scope: global`): no tenantId. */
  global: boolean;
  expansions: ExpansionModel[];
  /** The property holding the account id a row is about (`subject:`), when its fields hold personal data. */
  subject?: string;
  /** Fields in responses: every field but the sensitive ones. */
  readable: FieldModel[];
}

function targetOf(resource: string, all: Map<string, Resource>): TargetModel {
  const singular = names(all.get(resource)?.singular ?? singularOf(resource));
  return {
    resource,
    className: singular.className,
    fileName: singular.fileName,
    repository: names(resource).propertyName,
    title: singular.title.toLowerCase(),
    create: `create${singular.className}`,
    global: all.get(resource)?.scope === 'global',
    response: `${singular.className}Response`,
    service: `${names(resource).className}ServiceBase`,
  };
}

function expansionsOf(resource: Resource, keys: KeyModel[], collections: CollectionModel[]): ExpansionModel[] {
  return resource.expandable.flatMap((name): ExpansionModel[] => {
    const key = keys.find((k) => k.name === name);
    if (key) return [{ name, property: key.relation, ids: key.property, many: false, nullable: key.nullable, target: key.target }];
    const collection = collections.find((c) => c.name === name);
    if (collection) return [{ name, property: names(name).propertyName, ids: collection.property, many: true, nullable: false, target: collection.target }];
    return [];
  });
}

const onDelete = { cascade: 'CASCADE', restrict: 'RESTRICT', set_null: 'SET NULL' } as const;

function keyModel(relation: ResourceRelation, all: Map<string, Resource>): KeyModel {
  const property = `${names(relation.name).propertyName}Id`;
  const id = relation.required ? 'Id' : 'Id.nullish()';
  return {
    name: relation.name,
    property,
    relation: names(relation.name).propertyName,
    target: targetOf(relation.target, all),
    onDelete: onDelete[relation.onDelete ?? 'set_null'],
    nullable: !relation.required,
    unique: relation.type === 'one_to_one',
    create: id,
    update: relation.required ? 'Id.optional()' : 'Id.nullish()',
    response: relation.required ? 'z.string()' : 'z.string().nullable()',
  };
}

function collectionModel(resource: Resource, relation: ResourceRelation, all: Map<string, Resource>): CollectionModel {
  const own = names(resource.singular);
  const other = names(singularOf(relation.name));
  return {
    name: relation.name,
    property: `${other.propertyName}Ids`,
    target: targetOf(relation.target, all),
    joinClass: `${own.className}${other.className}`,
    joinFile: `${own.fileName}-${other.fileName}`,
    joinRepository: `${own.propertyName}${other.className}s`,
    table: `${resource.name}_${relation.name}`,
    ownKey: `${own.propertyName}Id`,
    otherKey: other.propertyName === own.propertyName ? `other${other.className}Id` : `${other.propertyName}Id`,
    setter: `set${names(relation.name).className}`,
  };
}

export function resourceModel(resource: Resource, all: Map<string, Resource>): ResourceModel {
  const fields = resource.fields.map(fieldModel);
  const property = (field: string) => names(field).propertyName;
  const keys = resource.relations.filter((r) => r.type === 'many_to_one' || r.type === 'one_to_one').map((r) => keyModel(r, all));
  const collections = resource.relations.filter((r) => r.type === 'many_to_many').map((r) => collectionModel(resource, r, all));
  const targets = [...new Map([...keys, ...collections].map((k) => [k.target.resource, k.target])).values()].filter((t) => t.resource !== resource.name);
  const self = targetOf(resource.name, all);
  const keyTargets = [...keys, ...collections].some((k) => k.target.resource === resource.name) ? [self] : [];
  const filters = resource.filterable.map((name) => {
    const field = fields.find((f) => f.name === name);
    return field ? { property: field.property, schema: field.filter } : { property: `${property(name)}Id`, schema: 'Id.optional()' };
  });
  const sample = [
    ...resource.fields.filter((f) => f.required || f.unique || resource.searchable.includes(f.name)).map((f) => `${property(f.name)}: ${fields.find((m) => m.name === f.name)?.sample ?? ''}`),
    ...keys.filter((k) => !k.nullable).map((k) => `${k.property}: (await ${k.target.create}(caller)).id`),
  ];
  return {
    name: resource.name,
    description: commentText(resource.description),
    rawDescription: resource.description,
    singular: names(resource.singular),
    plural: names(resource.name),
    title: names(resource.singular).title.toLowerCase(),
    softDelete: resource.softDelete,
    versioned: resource.versioned,
    fields,
    keys,
    collections,
    targets: [...targets, ...keyTargets],
    unique: resource.fields.filter((f) => f.unique).map((f) => property(f.name)),
    sortable: resource.sortable.map(property),
    searchable: resource.searchable.map(property),
    defaultSort: resource.sortable[0] === undefined ? 'id' : property(resource.sortable[0]),
    filters,
    permissions: resource.permissions,
    sample,
    ...(fields.find((f) => f.sampleVaries) ? { changeable: fields.find((f) => f.sampleVaries) } : {}),
    ...(fields.find((f) => !resource.filterable.includes(f.name)) ? { unfilterable: fields.find((f) => !resource.filterable.includes(f.name))?.property } : {}),
    global: resource.scope === 'global',
    expansions: expansionsOf(resource, keys, collections),
    ...(resource.subject === undefined ? {} : { subject: property(resource.subject) }),
    readable: fields.filter((f) => !f.sensitive),
  };
}
