import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from '../logger.js';
import {
  definitionOf,
  planJob,
  runAttempt,
  type EnqueueOptions,
  type JobDefinition,
  type JobEnvelope,
  type JobHandler,
  type JobOptions,
  type JobRunner,
} from './jobs.js';

export interface RedisJobsOptions {
  url: string;
  /** Namespaces the queues' keys in Redis (default `jobs`). */
  prefix?: string;
  logger: Logger;
}

interface Lane {
  definition: JobDefinition;
  queue: Queue<JobEnvelope>;
  worker?: Worker<JobEnvelope>;
  /** Whether the worker ever reached Redis; one that never did has no job to finish. */
  connected?: boolean;
}

/** How long a shutdown waits for job workers to finish their running jobs and close. */
const WORKER_CLOSE_DEADLINE_MS = 5_000;

/**
 * Jobs on BullMQ, one queue per job name, shared by every replica. A job lives in Redis until it succeeds or its
 * attempts are spent; at shutdown a running job is finished first, and one left running by a crash is taken up
 * again once its lock expires. Finished jobs are removed, so their id can be used again.
 */
export function redisJobRunner({ url, prefix = 'jobs', logger }: RedisJobsOptions): JobRunner {
  const lanes = new Map<string, Lane>();
  let started = false;
  let closing = false;

  const startWorker = (name: string, lane: Lane) => {
    const worker = new Worker<JobEnvelope>(
      name,
      async (job: Job<JobEnvelope>) => {
        await runAttempt(lane.definition, job.data, { id: job.id ?? '', name, attempt: job.attemptsMade + 1 });
      },
      { connection: { url }, prefix, concurrency: lane.definition.concurrency },
    );
    worker.on('failed', (job, error) => {
      const attempts = job?.opts.attempts ?? 1;
      const spent = (job?.attemptsMade ?? attempts) >= attempts;
      const fields = { err: error, job: name, jobId: job?.id, attempt: job?.attemptsMade };
      if (spent) logger.error(fields, 'job failed');
      else logger.warn(fields, 'job attempt failed; retrying');
    });
    worker.on('error', (error) => {
      logger.error({ err: error, job: name }, 'job worker error');
    });
    lane.worker = worker;
    lane.connected = false;
    // Never settles while Redis stays unreachable: the worker keeps retrying until it is closed.
    worker.waitUntilReady().then(
      () => {
        lane.connected = true;
      },
      () => undefined,
    );
  };

  return {
    backend: 'redis',
    define(name: string, handler: JobHandler<never>, options: JobOptions = {}) {
      if (lanes.has(name)) throw new TypeError(`jobs: ${name} is defined twice`);
      const definition = definitionOf(name, handler as JobHandler<unknown>, options);
      // Enqueueing fails at once while Redis is down, rather than waiting inside a request.
      const queue = new Queue<JobEnvelope>(name, { connection: { url, enableOfflineQueue: false }, prefix });
      queue.on('error', (error) => {
        logger.error({ err: error, job: name }, 'job queue error');
      });
      const lane: Lane = { definition, queue };
      lanes.set(name, lane);
      if (started && !closing) startWorker(name, lane);
    },
    async enqueue(name: string, payload: unknown, options: EnqueueOptions = {}) {
      const lane = lanes.get(name);
      const planned = planJob(name, lane?.definition, payload, options, randomUUID);
      if (lane === undefined || closing) throw new Error('jobs: the runner is closing');
      await lane.queue.add(name, planned.envelope, {
        jobId: planned.id,
        delay: planned.delayMs,
        attempts: planned.attempts,
        backoff: { type: 'exponential', delay: lane.definition.backoffMs },
        removeOnComplete: true,
        removeOnFail: true,
      });
      return planned.id;
    },
    start() {
      started = true;
      for (const [name, lane] of lanes) if (lane.worker === undefined) startWorker(name, lane);
      return Promise.resolve();
    },
    async close() {
      closing = true;
      // Workers first: each finishes its running jobs; what waits stays in Redis for the next process.
      // A worker that never reached Redis has no job to finish: it is stopped at once. BullMQ's graceful close waits
      // forever for a worker whose connection broke; past the deadline the shutdown goes on, and a job still
      // running is taken up again by another process when its lock expires.
      const closed = Promise.all(
        [...lanes.values()].map((lane) => lane.worker?.close(lane.connected !== true) ?? Promise.resolve()),
      );
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => {
          resolve('timeout');
        }, WORKER_CLOSE_DEADLINE_MS);
      });
      if ((await Promise.race([closed, deadline])) === 'timeout') {
        logger.warn({ deadlineMs: WORKER_CLOSE_DEADLINE_MS }, 'job workers did not close in time (Redis unreachable?)');
      }
      clearTimeout(timer);
      await Promise.all([...lanes.values()].map((lane) => lane.queue.close()));
    },
  };
}
