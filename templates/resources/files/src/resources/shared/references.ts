import { In, type FindOptionsWhere } from 'typeorm';
import { ValidationError } from '../../modules/core/index.js';

/** The rows a key may point to: a tenant repository (this tenant's rows) or a global one (everyone's). */
interface Rows<T> {
  findById(id: unknown): Promise<T | null>;
  count(where: FindOptionsWhere<T>): Promise<number>;
}

/**
 * Refuses a key to a row the tenant cannot see: another tenant's row looks exactly like one that never existed, so
 * a body cannot link to (or learn about) another tenant's data. `null` (no link) and a key left out pass.
 */
export async function checkReference<T extends { id: string }>(
  field: string,
  id: string | null | undefined,
  target: Rows<T>,
  what: string,
): Promise<void> {
  if (id === null || id === undefined) return;
  if ((await target.findById(id)) === null) {
    throw new ValidationError([{ in: 'body', path: field, message: `No ${what} has this id.` }]);
  }
}

/** The same check for a list of keys (a many-to-many relation): every one must be a row of the tenant. */
export async function checkReferences<T extends { id: string }>(
  field: string,
  ids: readonly string[] | undefined,
  target: Rows<T>,
  what: string,
): Promise<void> {
  if (ids === undefined || ids.length === 0) return;
  const distinct = [...new Set(ids)];
  const found = await target.count({ id: In(distinct) } as FindOptionsWhere<T>);
  if (found !== distinct.length) {
    throw new ValidationError([{ in: 'body', path: field, message: `Not every id names a ${what}.` }]);
  }
}

/** The entries that are set: TypeORM refuses `undefined` in a WHERE, and a left-out field is no change. */
export function definedOnly<T extends object>(values: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
