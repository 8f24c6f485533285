import type { Problem } from '../errors.js';
import { zodProblems, type Locate, type Path } from './problems.js';
import { fieldProblems } from './resource-field-checks.js';
import { readingProblems } from './resource-runtime-checks.js';
import {
  resourceActions,
  resourceSchema,
  snakeName,
  type FieldSpec,
  type FieldType,
  type OnDelete,
  type RelationType,
  type ResourceAction,
  type ResourceSpec,
} from './resource-schema.js';
import { didYouMean } from './suggest.js';

/** One field of a resource, as declared (snake_case name). */
export interface ResourceField extends FieldSpec {
  name: string;
}

export interface ResourceRelation {
  name: string;
  type: RelationType;
  target: string;
  required: boolean;
  /** What deleting the target does to this row: many_to_one and one_to_one only. */
  onDelete?: OnDelete;
  /** one_to_many only: the target's many_to_one relation that holds the key. */
  inverse?: string;
  description?: string;
}

/** A resource of the manifest, checked against every other one. */
export interface Resource {
  name: string;
  singular: string;
  description: string;
  scope: 'tenant' | 'global';
  softDelete: boolean;
  versioned: boolean;
  fields: ResourceField[];
  relations: ResourceRelation[];
  sortable: string[];
  filterable: string[];
  searchable: string[];
  permissions: Record<ResourceAction, string>;
  /** Relations a read may expand (`?expand=`). */
  expandable: string[];
  /** The field holding the id of the account a row is about: whose its personal fields are. */
  subject?: string;
  /** Fields and relations marked `drop: true`: their columns (and data) go in the next migration. */
  dropFields: string[];
  dropRelations: string[];
}

/** An entry that says only `drop: true`: what was there goes, data and all, in the next migration. */
function isDrop(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { drop?: unknown }).drop === true;
}

/** The entries of a mapping that are drops, and the mapping without them. */
function splitDrops(value: unknown, path: Path, at: Locate, problems: Problem[]): { kept: unknown; drops: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kept: value, drops: [] };
  const kept: Record<string, unknown> = {};
  const drops: string[] = [];
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (!isDrop(entry)) kept[key] = entry;
    else if (Object.keys(entry as object).length === 1) drops.push(key);
    else problems.push(at([...path, key], 'an entry marked `drop: true` says nothing else'));
  }
  return { kept, drops };
}

/** Names the generated columns take, and the platform's own tables. */
const reservedFields = ['id', 'tenant_id', 'created_at', 'updated_at', 'deleted_at', 'version'];
const reservedResources = ['tenants', 'migrations', 'resources', 'testing', 'shared'];
/** Types a keyset list can sort by: their values compare and round-trip exactly through a cursor. */
const sortableTypes: FieldType[] = ['string', 'integer', 'enum', 'date', 'uuid', 'email'];
const searchableTypes: FieldType[] = ['string', 'text', 'email', 'url'];
const filterableTypes: FieldType[] = ['string', 'integer', 'enum', 'date', 'uuid', 'email', 'boolean', 'url'];

/** `projects` → `project`, `categories` → `category`, `boxes` → `box`; `singular:` overrides. */
export function singularOf(name: string): string {
  if (/ies$/.test(name)) return name.replace(/ies$/, 'y');
  if (/(s|x|z|ch|sh)es$/.test(name)) return name.replace(/es$/, '');
  if (/[^s]s$/.test(name)) return name.slice(0, -1);
  return name;
}

/**
 * Each entry of `resources:` checked alone (its shape), then against the others: relation targets and inverses,
 * the fields the list options name, name clashes. Returns the resources in manifest order, or every problem.
 */
export function checkResources(raw: Record<string, unknown>, at: Locate): { resources: Resource[]; dropped: string[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const parsed = new Map<string, ResourceSpec>();
  const drops = new Map<string, { fields: string[]; relations: string[] }>();
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (!snakeName.test(name) || name.length > 40) {
      problems.push(at(['resources'], 'a resource name is snake_case, starting with a letter, at most 40 characters', name));
      continue;
    }
    if (reservedResources.includes(name)) {
      problems.push(at(['resources'], `'${name}' is reserved (${reservedResources.join(', ')})`, name));
      continue;
    }
    if (isDrop(value)) {
      if (Object.keys(value as object).length === 1) dropped.push(name);
      else problems.push(at(['resources', name], 'an entry marked `drop: true` says nothing else'));
      continue;
    }
    const fields = splitDrops((value as { fields?: unknown } | null)?.fields, ['resources', name, 'fields'], at, problems);
    const relations = splitDrops((value as { relations?: unknown } | null)?.relations, ['resources', name, 'relations'], at, problems);
    drops.set(name, { fields: fields.drops, relations: relations.drops });
    const stripped = typeof value === 'object' && value !== null ? { ...value, fields: fields.kept, ...(relations.kept === undefined ? {} : { relations: relations.kept }) } : value;
    const result = resourceSchema.safeParse(stripped);
    if (result.success) parsed.set(name, result.data);
    else problems.push(...zodProblems(result.error, at, ['resources', name], resourceSchema));
  }
  const resources: Resource[] = [];
  const singulars = new Map<string, string>();
  for (const [name, spec] of parsed) {
    const path = ['resources', name];
    const singular = spec.singular ?? singularOf(name);
    const clash = singulars.get(singular);
    if (clash !== undefined) problems.push(at(['resources'], `one row of '${name}' and of '${clash}' would both be called '${singular}'; set \`singular:\``, name));
    singulars.set(singular, name);
    const fieldNames = Object.keys(spec.fields);
    for (const [field, fieldSpec] of Object.entries(spec.fields)) {
      if (!snakeName.test(field)) problems.push(at([...path, 'fields'], 'a field name is snake_case, starting with a letter', field));
      else if (reservedFields.includes(field)) problems.push(at([...path, 'fields'], `'${field}' is a column forge adds itself (${reservedFields.join(', ')})`, field));
      problems.push(...fieldProblems(fieldSpec, [...path, 'fields', field], at));
    }
    const relations: ResourceRelation[] = [];
    for (const [relation, r] of Object.entries(spec.relations)) {
      const where = [...path, 'relations', relation];
      if (!snakeName.test(relation)) problems.push(at([...path, 'relations'], 'a relation name is snake_case, starting with a letter', relation));
      if (fieldNames.includes(relation) || fieldNames.includes(`${relation}_id`)) problems.push(at([...path, 'relations'], `clashes with the field '${fieldNames.includes(relation) ? relation : `${relation}_id`}'`, relation));
      const target = parsed.get(r.resource);
      if (target === undefined) {
        if (!(r.resource in raw)) problems.push(at([...where, 'resource'], `unknown resource '${r.resource}'${didYouMean(r.resource, Object.keys(raw))}`));
        continue;
      }
      if (spec.scope === 'global' && target.scope === 'tenant') problems.push(at([...where, 'resource'], `a global resource cannot point to '${r.resource}', whose rows belong to tenants`));
      const holdsKey = r.type === 'many_to_one' || r.type === 'one_to_one';
      if (!holdsKey && r.on_delete !== undefined) problems.push(at([...where, 'on_delete'], `applies to many_to_one and one_to_one relations; a ${r.type} relation's rows go with either side`));
      if (!holdsKey && r.required) problems.push(at([...where, 'required'], 'applies to many_to_one and one_to_one relations'));
      if (r.on_delete === 'set_null' && r.required) problems.push(at([...where, 'on_delete'], 'set_null cannot empty a required relation; use cascade or restrict'));
      if (r.type === 'one_to_many') {
        const back = r.inverse === undefined ? undefined : target.relations[r.inverse];
        if (r.inverse === undefined) problems.push(at(where, `a one_to_many relation names its \`inverse\`: the many_to_one relation of '${r.resource}' that points here`));
        else if (back?.type !== 'many_to_one' || back.resource !== name) {
          const candidates = Object.entries(target.relations).filter(([, b]) => b.type === 'many_to_one' && b.resource === name).map(([n]) => n);
          problems.push(at([...where, 'inverse'], `'${r.resource}' has no many_to_one relation '${r.inverse}' to '${name}'${didYouMean(r.inverse, candidates)}`));
        }
      } else if (r.inverse !== undefined) problems.push(at([...where, 'inverse'], 'applies to one_to_many relations'));
      relations.push({
        name: relation,
        type: r.type,
        target: r.resource,
        required: r.required,
        ...(holdsKey ? { onDelete: r.on_delete ?? (r.required ? 'restrict' : 'set_null') } : {}),
        ...(r.inverse !== undefined ? { inverse: r.inverse } : {}),
        ...(r.description !== undefined ? { description: r.description } : {}),
      });
    }
    const keyRelations = relations.filter((r) => r.type === 'many_to_one' || r.type === 'one_to_one').map((r) => r.name);
    const listOption = (option: 'sortable' | 'filterable' | 'searchable', types: FieldType[], alsoRelations: string[]) => {
      spec[option].forEach((field, i) => {
        const declared = spec.fields[field];
        if (declared === undefined && !alsoRelations.includes(field)) {
          problems.push(at([...path, option, i], `no field '${field}'${didYouMean(field, [...fieldNames, ...alsoRelations])}`));
        } else if (declared !== undefined && !types.includes(declared.type)) {
          problems.push(at([...path, option, i], `a ${declared.type} field cannot be ${option}; ${option} types: ${types.join(', ')}`));
        }
        if (spec[option].indexOf(field) !== i) problems.push(at([...path, option, i], `lists '${field}' twice`));
      });
    };
    listOption('sortable', sortableTypes, []);
    spec.sortable.forEach((field, i) => {
      const declared = spec.fields[field];
      if (declared && sortableTypes.includes(declared.type) && !declared.required && declared.default === undefined) {
        problems.push(at([...path, 'sortable', i], `'${field}' may be empty, and a list cannot page past empty values: make it required or give it a default`));
      }
    });
    listOption('filterable', filterableTypes, keyRelations);
    listOption('searchable', searchableTypes, []);
    const reading = readingProblems(name, spec, relations, at);
    problems.push(...reading.problems);
    resources.push({
      ...reading.options,
      name,
      singular,
      description: spec.description ?? '',
      scope: spec.scope,
      softDelete: spec.soft_delete,
      versioned: spec.versioned,
      fields: Object.entries(spec.fields).map(([field, f]) => ({ ...f, name: field })),
      relations,
      sortable: spec.sortable,
      filterable: spec.filterable,
      searchable: spec.searchable,
      permissions: Object.fromEntries(resourceActions.map((a) => [a, spec.permissions[a] ?? `${name}:${a}`])) as Record<ResourceAction, string>,
      dropFields: drops.get(name)?.fields ?? [],
      dropRelations: drops.get(name)?.relations ?? [],
    });
  }
  if (!problems.length) problems.push(...cycleProblems(resources, at));
  return { resources, dropped, problems };
}

/** The resources a resource's table points to (its keys and its join tables), itself left out. */
export function dependenciesOf(resource: Resource): string[] {
  return resource.relations.filter((r) => r.type !== 'one_to_many' && r.target !== resource.name).map((r) => r.target);
}

/**
 * Tables are created in dependency order, each with its foreign keys; two resources pointing at each other (directly
 * or around a loop) have no such order. Point one of them back with a one_to_many instead.
 */
function cycleProblems(resources: Resource[], at: Locate): Problem[] {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): Problem | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') {
      const loop = [...path.slice(path.indexOf(name)), name];
      const from = byName.get(loop.at(-2) ?? '');
      const relation = from?.relations.find((r) => r.target === name && r.type !== 'one_to_many');
      return at(['resources', from?.name ?? name, 'relations', relation?.name ?? ''], `resources point at each other in a loop (${loop.join(' → ')}); make one side a one_to_many`);
    }
    state.set(name, 'visiting');
    for (const target of dependenciesOf(byName.get(name) as Resource)) {
      const problem = visit(target, [...path, name]);
      if (problem) return problem;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const r of resources) {
    const problem = visit(r.name, []);
    if (problem) return [problem];
  }
  return [];
}
