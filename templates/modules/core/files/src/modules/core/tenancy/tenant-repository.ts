import { IsNull, type DataSource, type EntityManager, type EntityTarget, type FindOptionsOrder, type FindOptionsWhere, type Repository } from 'typeorm';
import type { TenantScopedEntity } from '../entities/base.entity.js';
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
  take?: number;
  skip?: number;
}

const MAX_PAGE = 1000;

/** Paging a caller asked for: `take` above MAX_PAGE is cut down; a negative or fractional value is a bug, refused. */
function page(take: number, skip: number): { take: number; skip: number } {
  if (!Number.isInteger(take) || take < 0) throw new RangeError(`take must be a whole number from 0 to ${String(MAX_PAGE)}`);
  if (!Number.isInteger(skip) || skip < 0) throw new RangeError('skip must be a whole number of at least 0');
  return { take: Math.min(take, MAX_PAGE), skip };
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
    return this.scoped((repository, tenantId) => repository.findOne({ where: this.where({ id } as FindOptionsWhere<T>, tenantId) }));
  }

  async list(options: ListOptions<T> = {}): Promise<T[]> {
    const { take, skip } = page(options.take ?? 100, options.skip ?? 0);
    // TypeORM reads `take: 0` as "no limit"; zero rows asked for is zero rows.
    if (take === 0) return [];
    return this.scoped((repository, tenantId) =>
      repository.find({
        where: this.where(options.where ?? {}, tenantId),
        ...(options.order === undefined ? {} : { order: options.order }),
        take,
        skip,
      }),
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
      const result = await repository.update(this.where(criteria, tenantId), withoutProtectedKeys(values) as Parameters<Repository<T>['update']>[1]);
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
        deletedAt === undefined ? await repository.delete(criteria) : await repository.softDelete({ ...criteria, [deletedAt]: IsNull() });
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
