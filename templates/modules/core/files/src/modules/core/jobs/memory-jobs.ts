import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import {
  backoffDelay,
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

interface MemoryJob {
  id: string;
  name: string;
  envelope: JobEnvelope;
  attempts: number;
  attemptsMade: number;
}

interface Lane {
  definition: JobDefinition;
  waiting: MemoryJob[];
  running: number;
}

/**
 * Jobs in this process, with BullMQ's semantics: retries with exponential backoff, delays, one job per id at a
 * time, a concurrency per name. What has not run when the process stops is lost: use Redis where that matters.
 */
export function memoryJobRunner(logger: Logger): JobRunner {
  const lanes = new Map<string, Lane>();
  /** Every job not yet finished (waiting, delayed, running, between retries), by id: what dedup looks at. */
  const unfinished = new Map<string, MemoryJob>();
  const timers = new Set<NodeJS.Timeout>();
  const active = new Set<Promise<void>>();
  let started = false;
  let closing = false;

  const later = (delayMs: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };

  const laneOf = (name: string): Lane => {
    const lane = lanes.get(name);
    if (lane === undefined) throw new TypeError(`jobs: ${name} is not defined`);
    return lane;
  };

  const execute = async (job: MemoryJob, lane: Lane) => {
    job.attemptsMade += 1;
    try {
      await runAttempt(lane.definition, job.envelope, { id: job.id, name: job.name, attempt: job.attemptsMade });
      unfinished.delete(job.id);
    } catch (error) {
      if (job.attemptsMade < job.attempts) {
        // At shutdown the retry is not scheduled: the job counts as lost (close() says how many).
        if (closing) return;
        logger.warn(
          { err: error, job: job.name, jobId: job.id, attempt: job.attemptsMade },
          'job attempt failed; retrying',
        );
        later(backoffDelay(lane.definition, job.attemptsMade), () => {
          ready(job);
        });
        return;
      }
      unfinished.delete(job.id);
      logger.error({ err: error, job: job.name, jobId: job.id, attempts: job.attemptsMade }, 'job failed');
    }
  };

  const pump = (lane: Lane) => {
    while (started && !closing && lane.running < lane.definition.concurrency) {
      const job = lane.waiting.shift();
      if (job === undefined) return;
      lane.running += 1;
      const run = execute(job, lane).finally(() => {
        lane.running -= 1;
        active.delete(run);
        pump(lane);
      });
      active.add(run);
    }
  };

  function ready(job: MemoryJob): void {
    const lane = laneOf(job.name);
    lane.waiting.push(job);
    pump(lane);
  }

  return {
    backend: 'memory',
    define(name: string, handler: JobHandler<never>, options: JobOptions = {}) {
      if (lanes.has(name)) throw new TypeError(`jobs: ${name} is defined twice`);
      lanes.set(name, {
        definition: definitionOf(name, handler as JobHandler<unknown>, options),
        waiting: [],
        running: 0,
      });
    },
    enqueue(name: string, payload: unknown, options: EnqueueOptions = {}) {
      const planned = planJob(name, lanes.get(name)?.definition, payload, options, randomUUID);
      if (closing) return Promise.reject(new Error('jobs: the runner is closing'));
      if (unfinished.has(planned.id)) return Promise.resolve(planned.id);
      const job: MemoryJob = {
        id: planned.id,
        name,
        envelope: planned.envelope,
        attempts: planned.attempts,
        attemptsMade: 0,
      };
      unfinished.set(job.id, job);
      if (planned.delayMs > 0) {
        later(planned.delayMs, () => {
          ready(job);
        });
      } else ready(job);
      return Promise.resolve(job.id);
    },
    start() {
      started = true;
      for (const lane of lanes.values()) pump(lane);
      return Promise.resolve();
    },
    async close() {
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...active]);
      const dropped = unfinished.size;
      if (dropped > 0)
        logger.warn({ dropped }, 'in-process jobs not run before shutdown are lost; set REDIS_URL to keep them');
    },
  };
}
