import {
  And,
  Equal,
  FindOperator,
  IsNull,
  LessThan,
  MoreThan,
  type DataSource,
  type EntityManager,
  type EntityTarget,
  type FindOptionsOrder,
  type FindOptionsWhere,
  type Repository,
} from 'typeorm';
import type { TenantScopedEntity } from '../entities/base.entity.js';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from './pagination.js';
import { currentTenantId } from './tenant-context.js';
import { createTenantRunner, type TenantRunner } from './tenant-transaction.js';

/** Columns the database or the tenancy layer owns; no caller value for them is ever written. */
const PROTECTED_KEYS = ['id', 'tenantId', 'createdAt', 'updatedAt', 'deletedAt'] as const;
type ProtectedKey = (typeof PROTECTED_KEYS)[number];

/** The fields a caller may write: data properties of the entity, minus the protected ones. */
export type WritableFields<T> = Partial<{
  [K in keyof T as K extends ProtectedKey ? never : T[K] extends (...args: never[]) => unknown ? never : K]: T[K];
}>;

export interface ListOptions<T> {
  where?: FindOptionsWhere<T>;
  order?: FindOptionsOrder<T>;
  /** At most this many rows; leave out for every matching row. Lists a client reads go through `page()`. */
  take?: number;
  skip?: number;
}

/**
 * The properties of T a keyset can sort by: text or integer columns, whose values round-trip exactly. `id` too: a
 * list with no meaningful order (a resource that declares no sortable field) still pages in a stable one.
 */
export type SortKey<T> = {
  [K in keyof T]: T[K] extends string | number ? K : never;
}[keyof T] &
  string;

/**
 * A keyset-paginated list of a tenant's rows, ordered by `sortBy` then id. Sort by a text or integer column:
 * a database timestamp such as createdAt holds microseconds on PostgreSQL that a JavaScript Date (and so a
 * cursor) drops, and a position read back from it would repeat or skip rows. A column that changes while a
 * client walks the list (a last-seen time) moves its row within the walk; sort by one that does not.
 */
export interface KeysetQuery<T, K extends SortKey<T>> {
  /** Names the list in its cursors (e.g. `auth.users`), so a cursor of another list is refused. */
  list: string;
  sortBy: K;
  direction?: 'ASC' | 'DESC';
  /** Several: the rows that match any of them (a search across fields); none: no rows. */
  where?: FindOptionsWhere<T> | FindOptionsWhere<T>[];
}

/** Paging a caller asked for: a negative or fractional value is a bug, refused. There is no upper bound. */
function paging(take: number | undefined, skip: number): { take: number | undefined; skip: number } {
  if (take !== undefined && (!Number.isInteger(take) || take < 0)) {
    throw new RangeError('take must be a whole number of at least 0');
  }
  if (!Number.isInteger(skip) || skip < 0) throw new RangeError('skip must be a whole number of at least 0');
  return { take, skip };
}

/** Both conditions on one column: the caller's filter (e.g. "not expired") and the keyset's position. */
function both(filter: unknown, condition: FindOperator<unknown>): FindOperator<unknown> {
  if (filter === undefined) return condition;
  return And(filter instanceof FindOperator ? (filter as FindOperator<unknown>) : Equal(filter), condition);
}

/**
 * One page of `repository` in the order of `sortBy` then id, after the cursor: the keyset walk every repository's
 * `page()` shares. `alternatives` scopes each of the caller's conditions (a tenant's adds its tenant); the cursor
 * names `tenantId` ('' for rows every tenant shares), so a cursor of another list or tenant is a 400 problem.
 */
export async function keysetPage<T extends { id: string }, K extends SortKey<T>>(
  repository: Repository<T>,
  query: KeysetQuery<T, K>,
  request: PageRequest,
  { tenantId, alternatives }: { tenantId: string; alternatives: (where: FindOptionsWhere<T>) => FindOptionsWhere<T> },
): Promise<Page<T>> {
  const column = repository.metadata.findColumnWithPropertyName(query.sortBy);
  if (column === undefined) throw new RangeError(`${query.sortBy} is not a column of ${repository.metadata.name}`);
  const textual = ['varchar', 'text', 'character varying', 'uuid', 'date', String].includes(column.type as string);
  const scope = { list: query.list, tenantId };
  const after = decodeCursor(request.cursor, { ...scope, valueType: textual ? 'string' : 'number' });
  const direction = query.direction ?? 'ASC';
  const bases = (Array.isArray(query.where) ? query.where : [query.where ?? {}]).map(alternatives);
  // TypeORM reads an empty list of alternatives as no condition at all, the tenant's included.
  if (bases.length === 0) return { items: [], nextCursor: null };
  const beyond = direction === 'ASC' ? MoreThan : LessThan;
  // (sortBy, id) beyond the cursor's: a greater sort key, or the same one and a greater id.
  const where =
    after === undefined
      ? bases
      : bases.flatMap((base) => {
          const filter = (base as Record<string, unknown>)[query.sortBy];
          return [
            { ...base, [query.sortBy]: both(filter, beyond(after.value)) },
            { ...base, [query.sortBy]: both(filter, Equal(after.value)), id: beyond(after.id) },
          ];
        });
  const rows = await repository.find({
    where,
    order: { [query.sortBy]: direction, id: direction } as FindOptionsOrder<T>,
    take: request.limit + 1,
  });
  const items = rows.slice(0, request.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > request.limit && last !== undefined
      ? encodeCursor(scope, { value: last[query.sortBy] as string | number, id: last.id })
      : null;
  return { items, nextCursor };
}

/** An id that can match a row. Anything else matches nothing, without asking the database. */
function isUsableId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 64;
}

function withoutProtectedKeys<T extends object>(values: T): T {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!(PROTECTED_KEYS as readonly string[]).includes(key)) copy[key] = value;
  }
  return copy as T;
}

/**
 * Tenant-scoped data access. Every read is filtered by the current tenant and every write sets it, so a
 * handler cannot reach another tenant's row even by id: such a row looks exactly like a missing one.
 */
export class TenantRepository<T extends TenantScopedEntity> {
  private readonly run: TenantRunner;

  constructor(
    dataSource: DataSource,
    private readonly entity: EntityTarget<T>,
    options: { rowLevelSecurity: boolean },
  ) {
    this.run = createTenantRunner(dataSource, options.rowLevelSecurity);
  }

  async findById(id: unknown): Promise<T | null> {
    if (!isUsableId(id)) return null;
    return this.scoped((repository, tenantId) =>
      repository.findOne({ where: this.where({ id } as FindOptionsWhere<T>, tenantId) }),
    );
  }

  /** The tenant's rows that match; every one of them unless `take` says how many. */
  async list(options: ListOptions<T> = {}): Promise<T[]> {
    const { take, skip } = paging(options.take, options.skip ?? 0);
    // TypeORM reads `take: 0` as "no limit"; zero rows asked for is zero rows.
    if (take === 0) return [];
    return this.scoped((repository, tenantId) =>
      repository.find({
        where: this.where(options.where ?? {}, tenantId),
        ...(options.order === undefined ? {} : { order: options.order }),
        ...(take === undefined ? {} : { take }),
        skip,
      }),
    );
  }

  /**
   * One page of a list a client walks (see pagination.ts): the `limit` rows after the cursor in the order of
   * `sortBy` then id, and the cursor of the next page. A cursor of another list or tenant is a 400 problem.
   */
  async page<K extends SortKey<T>>(query: KeysetQuery<T, K>, request: PageRequest): Promise<Page<T>> {
    return this.scoped((repository, tenantId) =>
      keysetPage(repository, query, request, { tenantId, alternatives: (where) => this.where(where, tenantId) }),
    );
  }

  async count(where: FindOptionsWhere<T> = {}): Promise<number> {
    return this.scoped((repository, tenantId) => repository.count({ where: this.where(where, tenantId) }));
  }

  async create(values: WritableFields<T>): Promise<T> {
    return this.scoped((repository, tenantId) => {
      const row = repository.create({ ...withoutProtectedKeys(values), tenantId } as T);
      return repository.save(row);
    });
  }

  /** Applies `values` to the tenant's row; null when the id matches no row of this tenant. */
  async update(id: unknown, values: WritableFields<T>): Promise<T | null> {
    if (!isUsableId(id)) return null;
    return this.scoped(async (repository, tenantId) => {
      const row = await repository.findOne({ where: this.where({ id } as FindOptionsWhere<T>, tenantId) });
      if (row === null) return null;
      repository.merge(row, withoutProtectedKeys(values) as T);
      return repository.save(row);
    });
  }

  /**
   * Updates the tenant's rows that match `criteria`, in one statement, and returns how many changed: the
   * compare-and-set of a single-use token ("set usedAt where usedAt is null"), so two racing requests cannot both win.
   */
  async updateWhere(criteria: FindOptionsWhere<T>, values: WritableFields<T>): Promise<number> {
    return this.scoped(async (repository, tenantId) => {
      const result = await repository.update(
        this.where(criteria, tenantId),
        withoutProtectedKeys(values) as Parameters<Repository<T>['update']>[1],
      );
      return result.affected ?? 0;
    });
  }

  /**
   * Deletes (or soft-deletes) every row of the tenant that matches `criteria`, in one statement, and returns how
   * many went: "all of X" is one statement with the tenant in its WHERE, never a capped load and a loop.
   */
  async deleteWhere(criteria: FindOptionsWhere<T>): Promise<number> {
    return this.scoped(async (repository, tenantId) => {
      const scoped = this.where(criteria, tenantId);
      const deletedAt = repository.metadata.deleteDateColumn?.propertyName;
      const result =
        deletedAt === undefined
          ? await repository.delete(scoped)
          : await repository.softDelete({ ...scoped, [deletedAt]: IsNull() });
      return result.affected ?? 0;
    });
  }

  /**
   * Deletes (or soft-deletes, when the entity has a delete-date column) the tenant's row; false when none matched,
   * including a row already soft-deleted, which every read already treats as gone.
   */
  async delete(id: unknown): Promise<boolean> {
    if (!isUsableId(id)) return false;
    return this.scoped(async (repository, tenantId) => {
      const criteria = this.where({ id } as FindOptionsWhere<T>, tenantId);
      const deletedAt = repository.metadata.deleteDateColumn?.propertyName;
      // TypeORM 1.x's softDelete skips deleted rows by itself; saying so here keeps the 404 from resting on that.
      const result =
        deletedAt === undefined
          ? await repository.delete(criteria)
          : await repository.softDelete({ ...criteria, [deletedAt]: IsNull() });
      return (result.affected ?? 0) > 0;
    });
  }

  /** The tenant always wins over whatever the caller's criteria say about `tenantId`. */
  private where(criteria: FindOptionsWhere<T>, tenantId: string): FindOptionsWhere<T> {
    return { ...criteria, tenantId };
  }

  private scoped<R>(work: (repository: Repository<T>, tenantId: string) => Promise<R>): Promise<R> {
    const tenantId = currentTenantId();
    return this.run(tenantId, (manager: EntityManager) => work(manager.getRepository(this.entity), tenantId));
  }
}
