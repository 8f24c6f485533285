import { constants, statSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import type { RateLimiterFactory } from '../rate-limit/rate-limiter.js';

const DEFAULT_TIMEOUT_MS = 2000;

/** One dependency the app needs to serve: it resolves when the dependency answers, rejects otherwise. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
  /** Slower than this counts as failed (default 2000 ms). */
  timeoutMs?: number;
}

export interface CheckResult {
  status: 'ok' | 'failed';
  ms: number;
  /** Why it failed, without internals (addresses, SQL): `timeout` or `error`. The log has the full error. */
  reason?: 'timeout' | 'error';
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

async function runOne({
  check,
  timeoutMs = DEFAULT_TIMEOUT_MS,
}: ReadinessCheck): Promise<CheckResult & { error?: unknown }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, 'timeout');
  });
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const outcome = await Promise.race([check().then(() => 'ok' as const), timeout]);
    return outcome === 'ok' ? { status: 'ok', ms: elapsed() } : { status: 'failed', ms: elapsed(), reason: 'timeout' };
  } catch (error) {
    return { status: 'failed', ms: elapsed(), reason: 'error', error };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once, each with its own timeout; failures are logged with their error. */
export async function runReadiness(checks: readonly ReadinessCheck[], logger: Logger): Promise<ReadinessReport> {
  const results = await Promise.all(checks.map(runOne));
  const report: ReadinessReport = { ready: true, checks: {} };
  results.forEach(({ error, ...result }, i) => {
    const name = checks[i]?.name ?? String(i);
    report.checks[name] = result;
    if (result.status === 'failed') {
      report.ready = false;
      logger.warn({ check: name, reason: result.reason, err: error }, 'readiness check failed');
    }
  });
  return report;
}

/**
 * SQLite: the process holds its database file open, so queries still answer once the file was deleted, moved or
 * replaced, and every write since would be lost at the next start. The file at the path must be the one opened
 * (same device and inode as when the app was built, or at the first check if it was not there yet), readable and
 * writable: two `stat`-sized calls. (Opening the path with SQLite to read its schema would be worse than blind: on
 * an empty file put in its place, SQLite deletes the write-ahead log of the real database.)
 */
function sqliteFileCheck(file: string): () => Promise<void> {
  let opened = statSync(file, { bigint: true, throwIfNoEntry: false });
  return async () => {
    const current = await stat(file, { bigint: true });
    opened ??= current;
    if (current.ino !== opened.ino || current.dev !== opened.dev)
      throw new Error(`${file} is no longer the database file the app opened`);
    await access(file, constants.R_OK | constants.W_OK);
  };
}

/** Core's own checks: the database, and Redis when REDIS_URL configures it; `timeoutMs` defaults to 2000. */
export function coreReadinessChecks(
  dataSource: DataSource,
  rateLimiters: RateLimiterFactory,
  timeoutMs?: number,
): ReadinessCheck[] {
  const { options } = dataSource;
  const sqliteFile =
    options.type === 'better-sqlite3' && options.database !== ':memory:'
      ? sqliteFileCheck(options.database)
      : undefined;
  const checks: ReadinessCheck[] = [
    {
      name: 'database',
      timeoutMs,
      check: async () => {
        if (!dataSource.isInitialized) throw new Error('the data source is not initialized');
        await dataSource.query('SELECT 1');
        await sqliteFile?.();
      },
    },
  ];
  const ping = rateLimiters.ping;
  if (ping !== undefined) checks.push({ name: 'redis', check: ping, timeoutMs });
  return checks;
}
