import type { JobPayloads } from '../contract.js';
import { findCurrentTenantId, runWithoutTenant, runWithTenant, TENANT_ID_PATTERN } from '../tenancy/tenant-context.js';

/** A job name a module declared in `JobPayloads`. */
export type JobName = Extract<keyof JobPayloads, string>;

/** What a handler learns about the run besides the payload. */
export interface JobInfo {
  id: string;
  name: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  /** The tenant the job was enqueued for; the handler runs as that tenant. */
  tenantId: string | undefined;
}

/** Throws to fail the attempt; the job is retried until its attempts are spent. */
export type JobHandler<P> = (payload: P, job: JobInfo) => Promise<void>;

export interface JobOptions {
  /** Runs before the job is given up (1..100, default 3). */
  attempts?: number;
  /** Wait before the first retry, doubling for each further one (default 1000 ms). */
  backoffMs?: number;
  /** Jobs of this name run at once in this process (default 1). */
  concurrency?: number;
}

export interface EnqueueOptions {
  /** Runs no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Overrides the definition's attempts for this job. */
  attempts?: number;
  /** While a job with this id waits, is delayed or runs, enqueueing it again does nothing (no `:`, not a number). */
  jobId?: string;
  /** The tenant to run as; the current request's tenant unless given, null for a job of no tenant. */
  tenantId?: string | null;
}

/** `context.jobs`: background work, on BullMQ when REDIS_URL is set, in this process otherwise. */
export interface Jobs {
  define<N extends JobName>(name: N, handler: JobHandler<JobPayloads[N]>, options?: JobOptions): void;
  /** Resolves to the job's id once it is stored; the payload must survive JSON (it is stored as JSON). */
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<string>;
}

/** The app's side of the jobs: workers start with the app and stop with it. */
export interface JobRunner extends Jobs {
  readonly backend: 'redis' | 'memory';
  start(): Promise<void>;
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

/** What a job carries: its payload and the tenant it runs as. */
export interface JobEnvelope {
  tenantId: string | null;
  payload: unknown;
}

export interface JobDefinition {
  handler: JobHandler<unknown>;
  attempts: number;
  backoffMs: number;
  concurrency: number;
}

export interface PlannedJob {
  id: string;
  envelope: JobEnvelope;
  attempts: number;
  delayMs: number;
}

// BullMQ refuses `:` in queue names and job ids, and numeric job ids; both backends refuse the same.
const NAME = /^[a-z][a-z0-9_.-]{0,99}$/;
const JOB_ID = /^[A-Za-z0-9_.-]{1,200}$/;

function wholeNumber(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`jobs: ${what} must be a whole number ${String(min)}..${String(max)}`);
  }
  return value;
}

export function definitionOf(name: string, handler: JobHandler<unknown>, options: JobOptions): JobDefinition {
  if (!NAME.test(name)) throw new TypeError(`jobs: ${JSON.stringify(name)} is not a job name (lower case, no ':')`);
  return {
    handler,
    attempts: wholeNumber(options.attempts ?? 3, 1, 100, 'attempts'),
    backoffMs: wholeNumber(options.backoffMs ?? 1000, 0, 86_400_000, 'backoffMs'),
    concurrency: wholeNumber(options.concurrency ?? 1, 1, 100, 'concurrency'),
  };
}

/** Checks an enqueue call the same way on both backends and fixes the tenant the job will run as. */
export function planJob(
  name: string,
  definition: JobDefinition | undefined,
  payload: unknown,
  options: EnqueueOptions,
  newId: () => string,
): PlannedJob {
  if (definition === undefined) throw new TypeError(`jobs: ${name} is not defined; call context.jobs.define first`);
  const { jobId } = options;
  if (jobId !== undefined && (!JOB_ID.test(jobId) || /^\d+$/.test(jobId))) {
    throw new TypeError(`jobs: ${JSON.stringify(jobId)} is not a job id`);
  }
  const tenantId = options.tenantId === undefined ? (findCurrentTenantId() ?? null) : options.tenantId;
  if (tenantId !== null && !TENANT_ID_PATTERN.test(tenantId)) {
    throw new TypeError(`jobs: ${JSON.stringify(tenantId)} is not a tenant id`);
  }
  const serialised = JSON.stringify(payload) as string | undefined;
  if (serialised === undefined) throw new TypeError(`jobs: the payload of ${name} is not JSON`);
  return {
    id: jobId ?? newId(),
    envelope: { tenantId, payload: JSON.parse(serialised) as unknown },
    attempts: wholeNumber(options.attempts ?? definition.attempts, 1, 100, 'attempts'),
    delayMs: wholeNumber(options.delayMs ?? 0, 0, 2_147_483_647, 'delayMs'),
  };
}

/** Runs one attempt as the job's tenant. */
export function runAttempt(
  definition: JobDefinition,
  envelope: JobEnvelope,
  info: Omit<JobInfo, 'tenantId'>,
): Promise<void> {
  const { tenantId, payload } = envelope;
  const job: JobInfo = { ...info, tenantId: tenantId ?? undefined };
  const run = () => definition.handler(payload, job);
  // The in-process runner starts jobs from the enqueuing call: its tenant must not leak into a job of none.
  return tenantId === null ? runWithoutTenant(run) : runWithTenant(tenantId, run);
}

/** The wait before retry number `retry` (1 for the first): BullMQ's exponential backoff. */
export function backoffDelay(definition: JobDefinition, retry: number): number {
  return definition.backoffMs * 2 ** (retry - 1);
}
