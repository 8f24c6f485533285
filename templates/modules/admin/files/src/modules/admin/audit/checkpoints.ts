import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditHead } from '../entities/audit-head.entity.js';
import { canonicalJson } from './canonical-json.js';

/** A chain's head at one moment, signed: a chain rewritten after it no longer ends in (or passes through) it. */
export interface Checkpoint {
  chain: string;
  sequence: number;
  headHash: string;
  at: string;
  /** Ed25519 over the canonical JSON of the four fields above, base64url. */
  signature: string;
}

const checkpointSchema = z.strictObject({
  chain: z.string().min(1).max(63),
  sequence: z.number().int().min(0),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string().max(30),
  signature: z.string().max(200),
});

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410): node:crypto imports keys, not bare seeds.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The Ed25519 key pair derived from a secret of at least 32 characters (its SHA-256 is the seed). */
export function checkpointKeys(secret: string): { privateKey: KeyObject; publicKey: KeyObject } {
  const seed = createHash('sha256').update(`admin-audit-checkpoint:${secret}`).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

const signedPart = (checkpoint: Omit<Checkpoint, 'signature'>) =>
  Buffer.from(
    canonicalJson({
      chain: checkpoint.chain,
      sequence: checkpoint.sequence,
      headHash: checkpoint.headHash,
      at: checkpoint.at,
    }),
  );

export function signCheckpoint(head: Omit<Checkpoint, 'signature'>, privateKey: KeyObject): Checkpoint {
  return { ...head, signature: sign(null, signedPart(head), privateKey).toString('base64url') };
}

export function checkpointSignatureHolds(checkpoint: Checkpoint, publicKey: KeyObject): boolean {
  return verify(null, signedPart(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64url'));
}

/**
 * Keeps checkpoints outside the database, one JSON line each, appended to `checkpoints.ndjson` in a directory:
 * whoever rewrites the database must also reach this file, and even then cannot sign without the key.
 */
export class CheckpointFileSink {
  private readonly file: string;

  constructor(directory: string) {
    this.file = path.join(directory, 'checkpoints.ndjson');
  }

  async append(checkpoint: Checkpoint): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
  }

  /** The last well-formed checkpoint of each chain; a line that is not one is skipped (verify signs nothing off it). */
  async latest(): Promise<Map<string, Checkpoint>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    const latest = new Map<string, Checkpoint>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue;
      }
      const checkpoint = checkpointSchema.safeParse(parsed);
      if (checkpoint.success) latest.set(checkpoint.data.chain, checkpoint.data);
    }
    return latest;
  }
}

/** Signs the head of every chain (or the one given) that grew since its last checkpoint; returns those written. */
export async function writeCheckpoints(
  dataSource: DataSource,
  sink: CheckpointFileSink,
  privateKey: KeyObject,
  now = new Date(),
  only?: string,
): Promise<Checkpoint[]> {
  const heads = await dataSource
    .getRepository(AuditHead)
    .find({ where: only === undefined ? {} : { chain: only }, order: { chain: 'ASC' } });
  const latest = await sink.latest();
  const written: Checkpoint[] = [];
  for (const head of heads) {
    if (head.sequence === 0 || latest.get(head.chain)?.sequence === head.sequence) continue;
    const checkpoint = signCheckpoint(
      { chain: head.chain, sequence: head.sequence, headHash: head.hash, at: now.toISOString() },
      privateKey,
    );
    await sink.append(checkpoint);
    written.push(checkpoint);
  }
  return written;
}
