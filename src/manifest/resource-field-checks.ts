import type { Problem } from '../errors.js';
import type { Locate, Path } from './problems.js';
import { maxStringLength, type FieldSpec, type FieldType } from './resource-schema.js';

/** One field of a resource checked alone: the keys its type allows, its bounds, pattern, example and default. */

const uniqueTypes: FieldType[] = ['string', 'integer', 'decimal', 'enum', 'date', 'uuid', 'email', 'url'];

/** Which keys of a field are meaningful for which types: anything else is a mistake worth naming. */
const keysFor: Partial<Record<keyof FieldSpec, FieldType[]>> = {
  max_length: ['string', 'text', 'email', 'url'],
  min_length: ['string', 'text'],
  pattern: ['string'],
  example: ['string'],
  min: ['integer', 'decimal'],
  max: ['integer', 'decimal'],
  precision: ['decimal'],
  scale: ['decimal'],
  values: ['enum'],
};

export function fieldProblems(field: FieldSpec, path: Path, at: Locate): Problem[] {
  const problems: Problem[] = [];
  for (const [key, types] of Object.entries(keysFor) as [keyof FieldSpec, FieldType[]][]) {
    if (field[key] !== undefined && !types.includes(field.type)) problems.push(at([...path, key], `applies to ${types.join(', ')} fields, not ${field.type}`));
  }
  if (field.type !== 'text' && field.max_length !== undefined && field.max_length > maxStringLength) {
    problems.push(at([...path, 'max_length'], `a ${field.type} field holds at most ${maxStringLength} characters; longer is a text field`));
  }
  if (field.type === 'decimal' && field.precision === undefined) problems.push(at(path, 'a decimal field needs `precision` (total digits) and `scale` (digits after the point)'));
  if (field.type === 'decimal' && field.scale !== undefined && field.precision !== undefined && field.scale > field.precision) {
    problems.push(at([...path, 'scale'], `must be at most the precision (${field.precision})`));
  }
  if (field.type === 'enum' && field.values === undefined) problems.push(at(path, 'an enum field needs `values`'));
  if (field.type === 'enum' && field.values && new Set(field.values).size !== field.values.length) problems.push(at([...path, 'values'], 'lists a value twice'));
  if (field.min !== undefined && field.max !== undefined && field.min > field.max) problems.push(at([...path, 'min'], `is above max (${field.max})`));
  if (field.min_length !== undefined && field.max_length !== undefined && field.min_length > field.max_length) {
    problems.push(at([...path, 'min_length'], `is above max_length (${field.max_length})`));
  }
  if (field.unique && !uniqueTypes.includes(field.type)) problems.push(at([...path, 'unique'], `a ${field.type} field cannot be unique`));
  if (field.pattern !== undefined) {
    try {
      new RegExp(field.pattern);
    } catch (e) {
      problems.push(at([...path, 'pattern'], `not a regular expression: ${(e as Error).message}`));
      return problems;
    }
  }
  if (field.pattern !== undefined && field.default === undefined && field.example === undefined) {
    problems.push(at([...path, 'pattern'], 'a field with a pattern needs an `example` (or a `default`) that matches it, for the generated tests'));
  }
  if (field.pattern !== undefined && field.unique) problems.push(at([...path, 'unique'], 'a unique field cannot have a pattern yet: the generated tests need distinct values for it'));
  if (field.example !== undefined) {
    const problem = defaultProblem({ ...field, default: field.example });
    if (problem) problems.push(at([...path, 'example'], problem));
  }
  if (field.default !== undefined) {
    const problem = defaultProblem(field);
    if (problem) problems.push(at([...path, 'default'], problem));
  }
  if (field.backfill !== undefined) {
    const problem = backfillProblem(field);
    if (problem) problems.push(at([...path, 'backfill'], problem));
  }
  return problems;
}

/** Shapes a backfill of a type that has no `default` must have: the value is written into rows as it is. */
const backfillShapes: Partial<Record<FieldType, [RegExp, string]>> = {
  date: [/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-01-31'],
  datetime: [/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/, 'an instant such as 2026-01-31T09:00:00.000Z'],
  uuid: [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a lower-case UUID'],
  email: [/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an email address'],
  url: [/^https?:\/\/\S+$/, 'an http(s) URL'],
};

/**
 * `backfill:` is the one-time value rows without one get when a field becomes required (or a new required field
 * arrives): it must be a value the field accepts, like a default; a json field cannot be backfilled.
 */
function backfillProblem(field: FieldSpec): string | undefined {
  if (!field.required) return 'applies to a required field: it fills the rows that have no value when the field becomes required';
  const shape = backfillShapes[field.type];
  if (shape !== undefined) {
    const [pattern, what] = shape;
    if (typeof field.backfill !== 'string' || !pattern.test(field.backfill)) return `must be ${what}`;
    if (field.max_length !== undefined && field.backfill.length > field.max_length) return `is longer than max_length (${field.max_length})`;
    return undefined;
  }
  if (field.type === 'json') return 'a json field cannot be backfilled; give the rows a value in a migration of your own';
  return defaultProblem({ ...field, default: field.backfill })?.replace(/^a (\w+) field cannot have a default$/, 'a $1 field cannot be backfilled');
}

function defaultProblem(field: FieldSpec): string | undefined {
  const value = field.default;
  switch (field.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return 'must be a whole number';
      break;
    case 'decimal':
      if (typeof value !== 'number' && typeof value !== 'string') return 'must be a number';
      if (!/^-?\d+(\.\d+)?$/.test(String(value))) return 'must be a decimal number such as 12.50';
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return 'must be true or false';
      return undefined;
    case 'enum':
      if (!field.values?.includes(String(value))) return `must be one of ${(field.values ?? []).join(', ')}`;
      return undefined;
    case 'string':
    case 'text':
      if (typeof value !== 'string') return 'must be text (quote it)';
      if (field.max_length !== undefined && value.length > field.max_length) return `is longer than max_length (${field.max_length})`;
      if (field.pattern !== undefined && !new RegExp(field.pattern).test(value)) return 'does not match the pattern';
      return undefined;
    default:
      return `a ${field.type} field cannot have a default`;
  }
  const number = Number(value);
  if (field.min !== undefined && number < field.min) return `is below min (${field.min})`;
  if (field.max !== undefined && number > field.max) return `is above max (${field.max})`;
  return undefined;
}

