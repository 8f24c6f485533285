import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobInfo, JobRunner } from '../jobs/jobs.js';
import { createJobRunner } from '../jobs/runner.js';
import { createLogger } from '../logger.js';
import { findCurrentTenantId, runWithTenant } from '../tenancy/tenant-context.js';
import { testConfig } from '../testing/test-config.js';

declare module '../contract.js' {
  interface JobPayloads {
    'test.jobs.record': { marker: string; failTimes?: number; sleepMs?: number };
  }
}

const redisUrl = process.env.REDIS_URL;
const logger = createLogger(testConfig());

interface Run {
  marker: string;
  attempt: number;
  tenant: string | undefined;
  job: JobInfo;
  startedAt: number;
  finished: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` passes or `ms` are over (then fails with its last error). */
async function eventually(check: () => void, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

/** A runner on its own Redis prefix, with a job that records each attempt and fails or sleeps when told to. */
function recordingRunner(url: string | undefined, prefix = `test-jobs-${randomBytes(4).toString('hex')}`) {
  const runs: Run[] = [];
  const jobs = createJobRunner({ redisUrl: url, logger, prefix });
  jobs.define(
    'test.jobs.record',
    async (payload, job) => {
      const run: Run = {
        marker: payload.marker,
        attempt: job.attempt,
        tenant: findCurrentTenantId(),
        job,
        startedAt: Date.now(),
        finished: false,
      };
      runs.push(run);
      if (payload.sleepMs !== undefined) await sleep(payload.sleepMs);
      if (job.attempt <= (payload.failTimes ?? 0)) throw new Error(`planned failure ${String(job.attempt)}`);
      run.finished = true;
    },
    { attempts: 3, backoffMs: 100, concurrency: 2 },
  );
  const of = (marker: string) => runs.filter((run) => run.marker === marker);
  return { jobs, runs, of, prefix };
}

const marker = () => `m-${randomBytes(4).toString('hex')}`;

const backends: { label: string; url: string | undefined; skip: boolean }[] = [
  { label: 'in this process', url: undefined, skip: false },
  {
    label: `on BullMQ and Redis${redisUrl === undefined ? ' (SKIPPED: REDIS_URL is not set)' : ''}`,
    url: redisUrl,
    skip: redisUrl === undefined,
  },
];

for (const { label, url, skip } of backends) {
  describe.skipIf(skip)(`background jobs ${label}`, () => {
    const open: JobRunner[] = [];
    const runner = async (prefix?: string) => {
      const made = recordingRunner(url, prefix);
      open.push(made.jobs);
      await made.jobs.start();
      return made;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((jobs) => jobs.close()));
    });

    it('when a job is enqueued in a tenant, then it runs once with its payload as that tenant', async () => {
      const { jobs, of } = await runner();
      const m = marker();
      const id = await runWithTenant('acme', () => jobs.enqueue('test.jobs.record', { marker: m }));
      await eventually(() => {
        expect(of(m)).toMatchObject([{ attempt: 1, tenant: 'acme', finished: true, job: { id, tenantId: 'acme' } }]);
      });
      const elsewhere = marker();
      await runWithTenant('acme', () =>
        jobs.enqueue('test.jobs.record', { marker: elsewhere }, { tenantId: 'globex' }),
      );
      await eventually(() => {
        expect(of(elsewhere)).toMatchObject([{ tenant: 'globex', finished: true }]);
      });
      const platform = marker();
      await runWithTenant('acme', () => jobs.enqueue('test.jobs.record', { marker: platform }, { tenantId: null }));
      await eventually(() => {
        expect(of(platform)).toMatchObject([{ tenant: undefined, finished: true }]);
      });
    });

    it('when a job fails, then it is retried with a doubling backoff until it succeeds', async () => {
      const { jobs, of } = await runner();
      const m = marker();
      await jobs.enqueue('test.jobs.record', { marker: m, failTimes: 2 }, { tenantId: null });
      await eventually(() => {
        expect(of(m).map((run) => run.attempt)).toEqual([1, 2, 3]);
      });
      const [first, second, third] = of(m).map((run) => run.startedAt);
      expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(90);
      expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(190);
      await eventually(() => {
        expect(of(m).at(-1)?.finished).toBe(true);
      });
    });

    it('when a job fails more often than its attempts, then it is given up after them', async () => {
      const { jobs, of } = await runner();
      const m = marker();
      await jobs.enqueue('test.jobs.record', { marker: m, failTimes: 9 }, { tenantId: null, attempts: 2 });
      await eventually(() => {
        expect(of(m)).toHaveLength(2);
      });
      await sleep(600);
      expect(of(m)).toHaveLength(2);
    });

    it('when a job id is enqueued again before it ran, then it runs once; after it ran, again', async () => {
      const { jobs, of } = await runner();
      const m = marker();
      const jobId = `dedup-${m}`;
      const ids = await Promise.all([
        jobs.enqueue('test.jobs.record', { marker: m }, { jobId, delayMs: 300, tenantId: null }),
        jobs.enqueue('test.jobs.record', { marker: m }, { jobId, delayMs: 300, tenantId: null }),
      ]);
      expect(ids).toEqual([jobId, jobId]);
      await eventually(() => {
        expect(of(m).filter((run) => run.finished)).toHaveLength(1);
      });
      await sleep(300);
      expect(of(m)).toHaveLength(1);
      await jobs.enqueue('test.jobs.record', { marker: m }, { jobId, tenantId: null });
      await eventually(() => {
        expect(of(m)).toHaveLength(2);
      });
    });

    it('when a job is delayed, then it does not run before its delay and runs after it', async () => {
      const { jobs, of } = await runner();
      const m = marker();
      const enqueuedAt = Date.now();
      await jobs.enqueue('test.jobs.record', { marker: m }, { delayMs: 500, tenantId: null });
      await sleep(250);
      expect(of(m)).toHaveLength(0);
      await eventually(() => {
        expect(of(m)).toHaveLength(1);
      });
      expect((of(m)[0]?.startedAt ?? 0) - enqueuedAt).toBeGreaterThanOrEqual(490);
    });

    it('when the runner closes while a job runs, then close waits for it to finish', async () => {
      const { jobs, of } = await runner();
      const m = marker();
      await jobs.enqueue('test.jobs.record', { marker: m, sleepMs: 400 }, { tenantId: null });
      await eventually(() => {
        expect(of(m)).toHaveLength(1);
      });
      await jobs.close();
      expect(of(m)[0]?.finished).toBe(true);
      await expect(jobs.enqueue('test.jobs.record', { marker: m }, { tenantId: null })).rejects.toThrow('closing');
    });

    it('when an enqueue is malformed, then it throws before anything is stored', async () => {
      const { jobs } = await runner();
      const enqueue = jobs.enqueue.bind(jobs) as (name: string, payload: unknown, options?: object) => Promise<string>;
      await expect(async () => enqueue('test.jobs.unknown', {})).rejects.toThrow('not defined');
      await expect(async () => enqueue('test.jobs.record', { marker: 'x' }, { jobId: 'a:b' })).rejects.toThrow(
        'not a job id',
      );
      await expect(async () => enqueue('test.jobs.record', { marker: 'x' }, { jobId: '42' })).rejects.toThrow(
        'not a job id',
      );
      await expect(async () =>
        enqueue('test.jobs.record', { marker: 'x' }, { tenantId: 'Not A Tenant' }),
      ).rejects.toThrow('not a tenant id');
      await expect(async () => enqueue('test.jobs.record', { marker: 'x' }, { delayMs: -1 })).rejects.toThrow(
        RangeError,
      );
      expect(() => {
        jobs.define('test.jobs.record', () => Promise.resolve());
      }).toThrow('defined twice');
    });
  });
}

describe.skipIf(redisUrl === undefined)(
  `background jobs survive a restart on Redis${redisUrl === undefined ? ' (SKIPPED: REDIS_URL is not set)' : ''}`,
  () => {
    it('when the process stops before a job is due, then the next process runs it: no job is lost', async () => {
      const first = recordingRunner(redisUrl);
      await first.jobs.start();
      const m = marker();
      await first.jobs.enqueue('test.jobs.record', { marker: m }, { delayMs: 300, tenantId: null });
      await first.jobs.close();
      expect(first.of(m)).toHaveLength(0);

      const second = recordingRunner(redisUrl, first.prefix);
      await second.jobs.start();
      try {
        await eventually(() => {
          expect(second.of(m)).toMatchObject([{ finished: true }]);
        });
      } finally {
        await second.jobs.close();
      }
    });
  },
);

describe('background jobs on a Redis that never answers', () => {
  it('when the runner closes, then it stops at once instead of waiting for Redis', async () => {
    const unreachable = recordingRunner('redis://127.0.0.1:1');
    await unreachable.jobs.start();
    // Long enough for the worker to be inside its connection retries.
    await sleep(1500);
    const started = Date.now();
    await unreachable.jobs.close();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
