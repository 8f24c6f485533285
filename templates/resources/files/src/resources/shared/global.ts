import { randomUUID } from 'node:crypto';
import {
  BeforeInsert,
  DeleteDateColumn,
  IsNull,
  PrimaryColumn,
  type DataSource,
  type EntityTarget,
  type FindOptionsWhere,
  type QueryRunner,
  type Repository,
  type TableColumnOptions,
} from 'typeorm';
import {
  keysetPage,
  TimestampedEntity,
  timestampColumns,
  transactionManager,
  type KeysetQuery,
  type ListOptions,
  type ModuleContext,
  type Page,
  type PageRequest,
  type SortKey,
  type WritableFields,
} from '../../modules/core/index.js';

/*
 * A resource of `scope: global`: one set of rows every tenant shares (countries, currencies), with no tenantId.
 * Its repository offers what a tenant repository offers, without the tenant; its routes still need a tenant and a
 * permission, like every resource's.
 */

/** A row shared by every tenant. Ids are UUIDs made by the app, as for tenant rows. */
export abstract class GlobalEntity extends TimestampedEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @BeforeInsert()
  protected assignId(): void {
    if (!this.id) this.id = randomUUID();
  }
}

export abstract class SoftDeletableGlobalEntity extends GlobalEntity {
  @DeleteDateColumn({ nullable: true })
  deletedAt!: Date | null;
}

/** id and timestamps of a `GlobalEntity`. Shipped migrations call this: its output never changes. */
export function globalColumns(queryRunner: QueryRunner): TableColumnOptions[] {
  return [{ name: 'id', type: 'varchar', length: '36', isPrimary: true }, ...timestampColumns(queryRunner)];
}

const PROTECTED_KEYS = ['id', 'createdAt', 'updatedAt', 'deletedAt'];

function writable<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !PROTECTED_KEYS.includes(key))) as T;
}

const usable = (id: unknown): id is string => typeof id === 'string' && id.length > 0 && id.length <= 64;

/** The rows of a global resource. Inside a resource service's transaction, it runs in that transaction. */
export class GlobalRepository<T extends GlobalEntity> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly entity: EntityTarget<T>,
  ) {}

  private get rows(): Repository<T> {
    return transactionManager(this.dataSource).getRepository(this.entity);
  }

  async findById(id: unknown): Promise<T | null> {
    return usable(id) ? this.rows.findOne({ where: { id } as FindOptionsWhere<T> }) : null;
  }

  /** The rows that match; every one of them unless `take` says how many. */
  async list(options: ListOptions<T> = {}): Promise<T[]> {
    if (options.take === 0) return [];
    return this.rows.find({
      ...(options.where === undefined ? {} : { where: options.where }),
      ...(options.order === undefined ? {} : { order: options.order }),
      ...(options.take === undefined ? {} : { take: options.take }),
      ...(options.skip === undefined ? {} : { skip: options.skip }),
    });
  }

  /** One page in the order of `sortBy` then id, as a tenant repository pages (its cursor names no tenant). */
  async page<K extends SortKey<T>>(query: KeysetQuery<T, K>, request: PageRequest): Promise<Page<T>> {
    return keysetPage(this.rows, query, request, { tenantId: '', alternatives: (where) => where });
  }

  async count(where: FindOptionsWhere<T> = {}): Promise<number> {
    return this.rows.count({ where });
  }

  async create(values: WritableFields<T>): Promise<T> {
    const rows = this.rows;
    return rows.save(rows.create(writable(values) as T));
  }

  async update(id: unknown, values: WritableFields<T>): Promise<T | null> {
    const row = await this.findById(id);
    if (row === null) return null;
    const rows = this.rows;
    rows.merge(row, writable(values) as T);
    return rows.save(row);
  }

  async updateWhere(criteria: FindOptionsWhere<T>, values: WritableFields<T>): Promise<number> {
    const result = await this.rows.update(criteria, writable(values) as Parameters<Repository<T>['update']>[1]);
    return result.affected ?? 0;
  }

  /** Deletes (or soft-deletes) every row that matches, in one statement. */
  async deleteWhere(criteria: FindOptionsWhere<T>): Promise<number> {
    const rows = this.rows;
    const deletedAt = rows.metadata.deleteDateColumn?.propertyName;
    const result =
      deletedAt === undefined
        ? await rows.delete(criteria)
        : await rows.softDelete({ ...criteria, [deletedAt]: IsNull() });
    return result.affected ?? 0;
  }

  async delete(id: unknown): Promise<boolean> {
    return usable(id) && (await this.deleteWhere({ id } as FindOptionsWhere<T>)) > 0;
  }
}

/** The global rows of `entity`. */
export function globalRepository<T extends GlobalEntity>(
  context: ModuleContext,
  entity: EntityTarget<T>,
): GlobalRepository<T> {
  return new GlobalRepository(context.dataSource, entity);
}
