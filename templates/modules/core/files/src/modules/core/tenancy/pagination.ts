import { z } from 'zod';
import { HttpError } from '../http/problem.js';

/*
 * Keyset pagination: the one way every list endpoint of every module pages.
 *
 *   route:   request: { query: PageQuery }, responses: { 200: { schema: pageSchema(Item) }, 400: … },
 *            handler: ({ query }) => service.list(…, pageRequestOf(query))
 *   service: repository.page({ list: 'billing.invoices', sortBy: 'number', where }, page) → { items, nextCursor }
 *
 * A page is "the `limit` rows after the cursor" in a total order (the sort key, then the id), read with a WHERE on
 * that position instead of an OFFSET, so rows inserted or deleted while a client walks the list never make it skip
 * or repeat a row. A limit outside 1–100 or a cursor this list did not hand out is a 400 problem, never a silent
 * cut. The cursor is opaque to clients (base64url JSON); it names its list and tenant and is checked on the way
 * back in, and its values only ever reach the database as bound parameters.
 */

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
const MAX_CURSOR_LENGTH = 1024;

/** The query parameters of a paginated list. Checked by `pageRequestOf`, which answers 400 (not 422) when wrong. */
export const PageQuery = z.object({
  limit: z
    .string()
    .optional()
    .meta({
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: DEFAULT_PAGE_SIZE,
      description: `Rows per page, 1 to ${String(MAX_PAGE_SIZE)}; anything else is a 400`,
    }),
  cursor: z.string().optional().meta({
    description: 'The `nextCursor` of the previous page; leave out for the first page',
    maxLength: MAX_CURSOR_LENGTH,
    pattern: '^[A-Za-z0-9_-]+$',
  }),
});

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** The cursor of the next page; null on the last one. */
  nextCursor: string | null;
}

/** The response schema of a paginated list of `item`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  });
}

const invalidPage = (detail: string) =>
  new HttpError(400, { type: 'urn:problem:invalid-page', title: 'Invalid page', detail });

/** The page a client asked for: `limit` a whole number from 1 to 100 (default 20), else 400. */
export function pageRequestOf(query: { limit?: string | undefined; cursor?: string | undefined }): PageRequest {
  const { limit, cursor } = query;
  if (limit === undefined) return { limit: DEFAULT_PAGE_SIZE, cursor };
  const value = /^[0-9]{1,3}$/.test(limit) ? Number(limit) : Number.NaN;
  if (!(value >= 1 && value <= MAX_PAGE_SIZE)) {
    throw invalidPage(
      `limit must be a whole number from 1 to ${String(MAX_PAGE_SIZE)}, not ${JSON.stringify(limit.slice(0, 20))}.`,
    );
  }
  return { limit: value, cursor };
}

/** A position in a list: the sort key's value of the last row read, and its id. */
export interface CursorPosition {
  value: string | number;
  id: string;
}

/** What a cursor must match to be accepted: the list it came from, its tenant, the type of its sort key. */
export interface CursorScope {
  list: string;
  tenantId: string;
  valueType: 'string' | 'number';
}

export function encodeCursor(scope: Omit<CursorScope, 'valueType'>, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([scope.list, scope.tenantId, position.value, position.id])).toString('base64url');
}

export const invalidCursor = () =>
  invalidPage('The cursor is malformed, or was not handed out by this list; start again without one.');

/** The position a cursor names; undefined for no cursor; 400 for one that is malformed or of another list or tenant. */
export function decodeCursor(cursor: string | undefined, scope: CursorScope): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  const refused = invalidCursor;
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refused();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) throw refused();
  const [list, tenantId, value, id] = decoded as unknown[];
  if (list !== scope.list || tenantId !== scope.tenantId || typeof id !== 'string' || id.length > 64) throw refused();
  if (scope.valueType === 'number' ? !Number.isSafeInteger(value) : typeof value !== 'string') throw refused();
  return { value: value as string | number, id };
}
