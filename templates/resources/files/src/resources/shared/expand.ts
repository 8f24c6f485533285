import { z } from 'zod';
import { HttpError } from '../../modules/core/index.js';

/*
 * `?expand=`: the relations a read loads into each row, among those forge.yaml's `expandable:` allows. Rows are
 * loaded through the target's repository (so only the tenant's own rows ever appear), one query per relation for
 * a whole page, however many rows it holds.
 */

/** The `expand` query parameter: relation names, comma-separated, among `expandable`. */
export function expandParameter(expandable: readonly string[]) {
  return z
    .string()
    .max(500)
    .optional()
    .meta({
      type: 'array',
      items: { type: 'string', enum: [...expandable] },
      description: `Relations to load into each row, comma-separated: ${expandable.join(', ')}. Any other is a 400.`,
      param: { style: 'form', explode: false },
    });
}

/** The relations a request asks to expand, each once; one `expandable` does not offer is a 400 naming those it does. */
export function expansionsOf<E extends string>(value: string | undefined, expandable: readonly E[]): E[] {
  if (value === undefined) return [];
  const asked = value.split(',');
  const unknown = asked.filter((name) => !(expandable as readonly string[]).includes(name));
  if (unknown.length > 0) {
    const offered = expandable.length > 0 ? expandable.join(', ') : 'none';
    throw new HttpError(400, {
      type: 'urn:problem:invalid-query',
      title: 'Invalid query',
      detail: `Cannot expand ${unknown.map((name) => JSON.stringify(name.slice(0, 40))).join(', ')}; expandable: ${offered}.`,
    });
  }
  return [...new Set(asked as E[])];
}

/** The rows the ids name, read with one call for all of them; ids that are missing (or another tenant's) are absent. */
export async function rowsById<R extends { id: string }>(
  ids: Iterable<string | null | undefined>,
  load: (ids: string[]) => Promise<R[]>,
): Promise<Map<string, R>> {
  const distinct = [...new Set([...ids].filter((id): id is string => typeof id === 'string'))];
  return new Map((distinct.length > 0 ? await load(distinct) : []).map((row) => [row.id, row]));
}
