import type { Logger } from '../logger.js';
import { redisJobRunner } from './bullmq-jobs.js';
import type { JobRunner } from './jobs.js';
import { memoryJobRunner } from './memory-jobs.js';

/** BullMQ on Redis when `redisUrl` is set, shared by every replica; this process otherwise. */
export function createJobRunner(options: { redisUrl: string | undefined; logger: Logger; prefix?: string }): JobRunner {
  const { redisUrl, logger, prefix } = options;
  return redisUrl === undefined
    ? memoryJobRunner(logger)
    : redisJobRunner({ url: redisUrl, logger, ...(prefix === undefined ? {} : { prefix }) });
}
