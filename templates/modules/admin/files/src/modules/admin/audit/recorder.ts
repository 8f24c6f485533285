import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditRecord, AuditRecorder, AuditRecordOptions } from '../../core/index.js';
import { AuditHead } from '../entities/audit-head.entity.js';
import { AuditRecordRow } from '../entities/audit-record.entity.js';
import { GENESIS_HASH, hashOf, rowOf } from './chain.js';

/**
 * Appends each record to its tenant's chain in the caller's transaction when given one (the record commits or
 * rolls back with the change it describes), else in a transaction of its own. The chain's head row is locked
 * for the rest of that transaction, so concurrent writers of one tenant append one after the other.
 */
export function chainRecorder(dataSource: DataSource): AuditRecorder {
  const postgres = dataSource.options.type === 'postgres';

  async function append(manager: EntityManager, record: AuditRecord): Promise<void> {
    const unlinked = rowOf(record, randomUUID());
    const { chain } = unlinked;
    await manager
      .createQueryBuilder()
      .insert()
      .into(AuditHead)
      .values({ chain, sequence: 0, hash: GENESIS_HASH })
      .orIgnore()
      .execute();
    const lock = manager.getRepository(AuditHead).createQueryBuilder('head').where('head.chain = :chain', { chain });
    const head = await (postgres ? lock.setLock('pessimistic_write') : lock).getOneOrFail();
    const linked = { ...unlinked, sequence: head.sequence + 1, previousHash: head.hash };
    const row = { ...linked, hash: hashOf(linked) };
    await manager.insert(AuditRecordRow, row);
    await manager.update(AuditHead, { chain }, { sequence: row.sequence, hash: row.hash });
  }

  // SQLite runs one transaction at a time on its one connection (a second BEGIN fails): this app's own audit
  // transactions queue behind each other there; PostgreSQL runs them at once and the head's row lock orders them.
  let queue: Promise<unknown> = Promise.resolve();
  const ownTransaction = (record: AuditRecord): Promise<void> => {
    const run = () => dataSource.transaction((manager) => append(manager, record));
    if (postgres) return run();
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    async record(record: AuditRecord, options: AuditRecordOptions): Promise<void> {
      if (options.manager !== undefined) await append(options.manager, record);
      else await ownTransaction(record);
    },
  };
}
