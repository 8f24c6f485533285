import { tsString } from '../escape.js';
import type { ResourceField } from '../../manifest/resource-checks.js';
import { names } from '../names.js';

/*
 * One field of a resource as each generated file spells it: the entity's column, the migration's column, the zod
 * schemas of create, update, response and list filter, and a sample value for the tests. Column types are the
 * ones both databases share, so one migration serves SQLite and PostgreSQL and the schema diff stays empty.
 */

/** Longest text a request may carry when the manifest gives no max_length. */
const defaultTextLength = 100_000;
const defaultLengths: Partial<Record<ResourceField['type'], number>> = { string: 255, email: 254, url: 2048, uuid: 36, enum: 63, datetime: 24 };

export interface FieldModel {
  /** As in the manifest: due_at */
  name: string;
  /** Property, column and JSON key: dueAt */
  property: string;
  description: string;
  nullable: boolean;
  /** The column as the schema snapshot compares it (see snapshot.ts). */
  columnType: string;
  length?: number;
  precision?: number;
  scale?: number;
  /** SQL of the default, the value rows that exist get when the column is added later. */
  fill?: string;
  /** An enum's values: a value taken away can be held by rows (see migration-changes.ts). */
  values?: string[];
  /** The entity's decorators and property, one line each. */
  entity: string[];
  migration: string;
  create: string;
  update: string;
  response: string;
  /** `const codePattern = /^[A-Z]+$/;` for a field with a pattern: the schemas name it. */
  pattern?: string;
  /** The list filter's schema, when the field is filterable. */
  filter: string;
  /** A TypeScript expression of a valid value; `unique(...)` where the field must differ between rows. */
  sample: string;
  /** Whether the sample differs from call to call (so two rows never clash on a unique field). */
  sampleVaries: boolean;
  /** Write-only: in create and update, never in a response, an export or a log line. */
  sensitive: boolean;
  /** Its category of personal data (`unspecified` for `personal: true`), when it is personal. */
  personal?: string;
}

function length(field: ResourceField): number | undefined {
  return field.max_length ?? defaultLengths[field.type];
}

/** A value of the field as an SQL literal, both databases alike. */
export function sqlLiteral(field: ResourceField, value: string | number | boolean): string {
  if (field.type === 'boolean') return value === true ? 'TRUE' : 'FALSE';
  if (field.type === 'integer' || field.type === 'decimal') return String(value);
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** The field's default as an SQL literal: the value rows that exist get when the column is added later. */
function fillOf(field: ResourceField): string | undefined {
  return field.default === undefined ? undefined : sqlLiteral(field, field.default);
}

function columnType(field: ResourceField): { entity: string; migration: string; ts: string } {
  const varchar = (n: number) => ({ entity: `type: 'varchar', length: ${n}`, migration: `type: 'varchar', length: '${n}'` });
  switch (field.type) {
    case 'enum':
      return { ...varchar(length(field) ?? 63), ts: (field.values ?? []).map((v) => tsString(v)).join(' | ') };
    case 'string':
    case 'email':
    case 'url':
    case 'uuid':
    case 'datetime':
      return { ...varchar(length(field) ?? 255), ts: 'string' };
    case 'text':
      return { entity: `type: 'text'`, migration: `type: 'text'`, ts: 'string' };
    case 'integer':
      return { entity: `type: 'integer'`, migration: `type: 'integer'`, ts: 'number' };
    case 'decimal': {
      const [p, s] = [field.precision ?? 10, field.scale ?? 0];
      return { entity: `type: 'decimal', precision: ${p}, scale: ${s}`, migration: `type: 'decimal', precision: ${p}, scale: ${s}`, ts: 'string' };
    }
    case 'boolean':
      return { entity: `type: 'boolean'`, migration: `type: 'boolean'`, ts: 'boolean' };
    case 'date':
      return { entity: `type: 'date'`, migration: `type: 'date'`, ts: 'string' };
    case 'json':
      return { entity: `type: 'simple-json'`, migration: `type: 'text'`, ts: 'Record<string, unknown>' };
  }
}

/** The zod schema of a value of the field, without optionality. */
function zodOf(field: ResourceField): string {
  const max = length(field);
  switch (field.type) {
    case 'string': {
      const min = field.min_length === undefined ? '' : `.min(${field.min_length})`;
      const pattern = field.pattern === undefined ? '' : `.regex(${names(field.name).propertyName}Pattern)`;
      return `z.string()${min}.max(${max ?? 255})${pattern}`;
    }
    case 'text':
      return `z.string()${field.min_length === undefined ? '' : `.min(${field.min_length})`}.max(${field.max_length ?? defaultTextLength})`;
    case 'email':
      return `z.email().max(${max ?? 254})`;
    case 'url':
      return `z.url().max(${max ?? 2048})`;
    case 'uuid':
      return 'z.uuid().max(36)';
    case 'integer':
      return `z.int32()${field.min === undefined ? '' : `.min(${field.min})`}${field.max === undefined ? '' : `.max(${field.max})`}`;
    case 'decimal': {
      const bounds = [field.min === undefined ? '' : `min: ${tsString(String(field.min))}`, field.max === undefined ? '' : `max: ${tsString(String(field.max))}`].filter(Boolean);
      return `decimalString(${field.precision ?? 10}, ${field.scale ?? 0}${bounds.length ? `, { ${bounds.join(', ')} }` : ''})`;
    }
    case 'boolean':
      return 'z.boolean()';
    case 'date':
      return 'CalendarDate';
    case 'datetime':
      return 'Instant';
    case 'enum':
      return `z.enum([${(field.values ?? []).map((v) => tsString(v)).join(', ')}])`;
    case 'json':
      return 'JsonObject';
  }
}

function responseZodOf(field: ResourceField): string {
  switch (field.type) {
    case 'integer':
      return 'z.int32()';
    case 'boolean':
      return 'z.boolean()';
    case 'enum':
      return `z.enum([${(field.values ?? []).map((v) => tsString(v)).join(', ')}])`;
    case 'json':
      return 'JsonObject';
    default:
      return 'z.string()';
  }
}

function filterOf(field: ResourceField): string {
  switch (field.type) {
    case 'boolean':
      return 'BooleanFilter';
    case 'integer':
      return 'IntegerFilter';
    default:
      return zodOf(field);
  }
}

function defaultLiteral(field: ResourceField): string {
  if (field.type === 'decimal') return tsString(Number(field.default).toFixed(field.scale ?? 0));
  return typeof field.default === 'string' ? tsString(field.default) : String(field.default);
}

/** A valid value: the default when there is one, else one built for the type and its limits. */
function sampleOf(field: ResourceField): { sample: string; varies: boolean } {
  if (field.default !== undefined && !field.unique) return { sample: defaultLiteral(field), varies: false };
  const max = length(field) ?? 255;
  switch (field.type) {
    case 'string':
    case 'text':
      if (field.pattern !== undefined) return { sample: tsString(String(field.example ?? field.default ?? '')), varies: false };
      return { sample: `unique(${tsString(names(field.name).fileName)}, ${Math.max(max, field.min_length ?? 0)})`, varies: true };
    case 'email':
      return { sample: "`${unique('person')}@example.test`", varies: true };
    case 'url':
      return { sample: "`https://example.test/${unique('page')}`", varies: true };
    case 'uuid':
      return { sample: 'randomUUID()', varies: true };
    case 'integer': {
      const low = field.min ?? 0;
      return { sample: String(Math.min(Math.max(low, 1), field.max ?? Math.max(low, 1))), varies: false };
    }
    case 'decimal': {
      const low = Number(field.min ?? 0);
      const value = field.max !== undefined && Number(field.max) < 1 ? low : Math.max(low, 1);
      return { sample: tsString(value.toFixed(field.scale ?? 0)), varies: false };
    }
    case 'boolean':
      return { sample: 'true', varies: false };
    case 'date':
      return { sample: "'2026-01-02'", varies: false };
    case 'datetime':
      return { sample: "'2026-01-02T03:04:05.000Z'", varies: false };
    case 'enum':
      return { sample: tsString(field.values?.[0] ?? ''), varies: false };
    case 'json':
      return { sample: "{ sample: true }", varies: false };
  }
}

export function fieldModel(field: ResourceField): FieldModel {
  const property = names(field.name).propertyName;
  const nullable = !field.required && field.default === undefined;
  const type = columnType(field);
  const transformer = field.type === 'decimal' ? `, transformer: decimal(${field.scale ?? 0})` : '';
  const entity = [
    ...(field.index && !field.unique ? ['@Index()'] : []),
    `@Column({ ${type.entity}${nullable ? ', nullable: true' : ''}${transformer} })`,
    `${property}!: ${type.ts}${nullable ? ' | null' : ''};`,
  ];
  const value = zodOf(field);
  const { sample, varies } = sampleOf(field);
  const sqlType = /type: '([\w-]+)'/.exec(type.migration)?.[1] ?? field.type;
  const fill = fillOf(field);
  return {
    name: field.name,
    property,
    description: field.description ?? '',
    nullable,
    columnType: sqlType,
    ...(sqlType === 'varchar' ? { length: length(field) ?? 255 } : {}),
    ...(field.type === 'decimal' ? { precision: field.precision ?? 10, scale: field.scale ?? 0 } : {}),
    ...(fill === undefined ? {} : { fill }),
    ...(field.type === 'enum' ? { values: field.values ?? [] } : {}),
    entity,
    migration: `{ name: '${property}', ${type.migration}, isNullable: ${String(nullable)} }`,
    create: field.required ? value : field.default !== undefined ? `${value}.default(${defaultLiteral(field)})` : `${value}.nullish()`,
    update: nullable ? `${value}.nullish()` : `${value}.optional()`,
    response: `${responseZodOf(field)}${nullable ? '.nullable()' : ''}`,
    filter: `${filterOf(field)}.optional()`,
    ...(field.pattern === undefined ? {} : { pattern: `const ${property}Pattern = ${String(new RegExp(field.pattern))};` }),
    sample,
    sampleVaries: varies,
    sensitive: field.sensitive,
    ...(field.personal === undefined ? {} : { personal: field.personal === true ? 'unspecified' : field.personal }),
  };
}
