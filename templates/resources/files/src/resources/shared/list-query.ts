import { Raw, type FindOptionsWhere } from 'typeorm';
import { HttpError } from '../../modules/core/index.js';

/** A list's sort: a declared field, ascending unless written `-field`. */
export interface ListSort<K extends string> {
  field: K;
  direction: 'ASC' | 'DESC';
}

const invalidQuery = (detail: string) =>
  new HttpError(400, { type: 'urn:problem:invalid-query', title: 'Invalid query', detail });

/**
 * Checks a list request's query parameters against what the resource declares: a parameter it does not know, or a
 * sort on a field that is not sortable, is a 400 naming what is allowed, never silently ignored.
 */
export function checkListQuery<K extends string, D extends string>(
  query: Record<string, unknown>,
  declared: {
    sortable: readonly K[];
    filterable: readonly string[];
    defaultSort: D;
    searchable?: boolean;
    expandable?: boolean;
  },
): ListSort<K | D> {
  const known = [
    'limit',
    'cursor',
    'sort',
    ...declared.filterable,
    ...(declared.searchable ? ['q'] : []),
    ...(declared.expandable ? ['expand'] : []),
  ];
  const unknown = Object.keys(query).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    const allowed = declared.filterable.length > 0 ? declared.filterable.join(', ') : 'none';
    throw invalidQuery(`Unknown query parameter ${unknown.join(', ')}; filters: ${allowed}.`);
  }
  const sort = query.sort;
  if (sort === undefined) return { field: declared.defaultSort, direction: 'ASC' };
  const field = typeof sort === 'string' ? sort.replace(/^-/, '') : '';
  const sortable = declared.sortable.find((name) => name === field);
  if (sortable === undefined) {
    throw invalidQuery(
      `This list sorts by ${declared.sortable.join(', ')} (prefix "-" for descending), not ${JSON.stringify(sort)}.`,
    );
  }
  return { field: sortable, direction: typeof sort === 'string' && sort.startsWith('-') ? 'DESC' : 'ASC' };
}

/** The filters of a parsed list query: everything but its paging, sort and expansions. */
export function filtersOf<Q extends { limit?: unknown; cursor?: unknown; sort?: unknown }>(
  query: Q,
): Omit<Q, 'limit' | 'cursor' | 'sort' | 'expand'> {
  const filters: Record<string, unknown> = { ...query };
  delete filters.limit;
  delete filters.cursor;
  delete filters.sort;
  delete filters.expand;
  return filters as Omit<Q, 'limit' | 'cursor' | 'sort' | 'expand'>;
}

/** `%`, `_` and `\` written by a client match themselves: each is escaped with `\`, the ESCAPE of `contains`. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * A column containing `text`, in any case, on SQLite and PostgreSQL alike: `LOWER(column) LIKE LOWER(:contains)` with
 * an ESCAPE clause, so `%` and `_` in a client's text are literal characters, never wildcards.
 */
export function contains(text: string) {
  return Raw((column) => `LOWER(${column}) LIKE LOWER(:contains) ESCAPE '\\'`, { contains: `%${likeLiteral(text)}%` });
}

/**
 * A list's WHERE: its filters, and when `q` is given, one alternative per searchable field that contains it, in
 * any case, `%` and `_` taken literally. The tenant is added by the repository.
 */
export function searchWhere<T>(
  filters: { q?: string | undefined } & Record<string, unknown>,
  searchable: readonly (keyof T & string)[],
): FindOptionsWhere<T> | FindOptionsWhere<T>[] {
  const { q, ...rest } = filters;
  if (q === undefined) return rest as FindOptionsWhere<T>;
  return searchable.map((field) => ({ ...rest, [field]: contains(q) }) as FindOptionsWhere<T>);
}
