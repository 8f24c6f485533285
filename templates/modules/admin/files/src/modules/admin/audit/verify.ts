import type { KeyObject } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditHead } from '../entities/audit-head.entity.js';
import { AuditRecordRow } from '../entities/audit-record.entity.js';
import { GENESIS_HASH, hashOf } from './chain.js';
import { checkpointSignatureHolds, type Checkpoint } from './checkpoints.js';

/** The first record of a chain that does not hold, and why. */
export interface BadRecord {
  sequence: number;
  id: string | null;
  problem: string;
}

export interface ChainReport {
  chain: string;
  records: number;
  /** The sequence the latest valid checkpoint vouches for; null when the chain has none yet. */
  checkpointSequence: number | null;
  ok: boolean;
  firstBad: BadRecord | null;
}

const PAGE = 1000;

/**
 * Walks one chain in sequence order, a page at a time (memory stays flat however long it is): each record must
 * follow the one before (sequence + 1, its hash as previousHash) and hash to its stored hash; the chain must end
 * where its head row says, and pass through the latest checkpoint's head hash, whose signature must hold. A
 * chain rewritten consistently (every hash recomputed) still fails the last check: nobody without the key can
 * sign its new head.
 */
export async function verifyChain(
  dataSource: DataSource,
  chain: string,
  checkpoint: Checkpoint | undefined,
  publicKey: KeyObject,
): Promise<ChainReport> {
  const records = dataSource.getRepository(AuditRecordRow);
  const report = (firstBad: BadRecord | null, count: number): ChainReport => ({
    chain,
    records: count,
    checkpointSequence: checkpoint?.sequence ?? null,
    ok: firstBad === null,
    firstBad,
  });
  if (checkpoint !== undefined && !checkpointSignatureHolds(checkpoint, publicKey)) {
    return report(
      { sequence: checkpoint.sequence, id: null, problem: 'the latest checkpoint’s signature does not hold' },
      0,
    );
  }
  let expectedSequence = 1;
  let previousHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const page = await records
      .createQueryBuilder('record')
      .where('record.chain = :chain AND record.sequence >= :from', { chain, from: expectedSequence })
      .orderBy('record.sequence', 'ASC')
      .take(PAGE)
      .getMany();
    for (const row of page) {
      count += 1;
      const at = { sequence: expectedSequence, id: row.id };
      if (row.sequence !== expectedSequence) {
        return report(
          { ...at, problem: `record ${String(expectedSequence)} is missing (found ${String(row.sequence)} next)` },
          count,
        );
      }
      if (row.previousHash !== previousHash) {
        return report({ ...at, problem: 'its previousHash is not the hash of the record before it' }, count);
      }
      if (hashOf(row) !== row.hash) return report({ ...at, problem: 'its content does not match its hash' }, count);
      if (checkpoint?.sequence === row.sequence && checkpoint.headHash !== row.hash) {
        return report({ ...at, problem: 'it differs from the signed checkpoint: the chain was rewritten' }, count);
      }
      previousHash = row.hash;
      expectedSequence += 1;
    }
    if (page.length < PAGE) break;
  }
  const last = expectedSequence - 1;
  if (checkpoint !== undefined && checkpoint.sequence > last) {
    return report(
      {
        sequence: last + 1,
        id: null,
        problem: `records ${String(last + 1)} to ${String(checkpoint.sequence)} (signed in a checkpoint) are gone`,
      },
      count,
    );
  }
  const head = await dataSource.getRepository(AuditHead).findOneBy({ chain });
  if (head !== null && (head.sequence !== last || head.hash !== previousHash)) {
    return report(
      {
        sequence: last + 1,
        id: null,
        problem: `records after ${String(last)} are gone (the head is at ${String(head.sequence)})`,
      },
      count,
    );
  }
  return report(null, count);
}

/** Every chain with records, or the one given. */
export async function verifyChains(
  dataSource: DataSource,
  checkpoints: ReadonlyMap<string, Checkpoint>,
  publicKey: KeyObject,
  only?: string,
): Promise<ChainReport[]> {
  const heads = await dataSource.getRepository(AuditHead).find({ order: { chain: 'ASC' } });
  const chains = new Set([...heads.map((head) => head.chain), ...checkpoints.keys()]);
  const selected = [...chains].filter((chain) => only === undefined || chain === only).sort();
  const reports: ChainReport[] = [];
  for (const chain of selected) reports.push(await verifyChain(dataSource, chain, checkpoints.get(chain), publicKey));
  return reports;
}
