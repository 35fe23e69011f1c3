import type PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Logger } from 'pino';

/**
 * What every job handler gets. A domain's handlers may need more (the configuration, the
 * payment providers, the mailer): they say so in their definition's deps type, and the
 * composition root (src/job-definitions.ts) passes it all in, built once.
 */
export type JobBase = {
  pool: pg.Pool;
  logger: Logger;
  /** to enqueue follow-up jobs outside a transaction (inside one, write to the outbox) */
  boss: PgBoss;
};

export type QueueSettings = Omit<PgBoss.Queue, 'name' | 'deadLetter'>;

export type JobHandler<T> = (data: T, job: PgBoss.Job<T>) => Promise<unknown>;

/**
 * One queue of background work, declared by the domain that owns the work. Handlers are
 * idempotent: pg-boss runs a job at least once (again after a crash or an expired lease).
 */
export type JobDefinition<T extends object = object, D extends JobBase = JobBase> = {
  /** the pg-boss queue */
  name: string;
  /**
   * retries, backoff (seconds), expiry of a running job; the dead-letter queue is added for every
   * queue. A function of the deps when the settings come from the configuration.
   */
  queue?: QueueSettings | ((deps: D) => QueueSettings);
  /** runs on this cron schedule (pg-boss: once per slot across all instances, minute granularity) */
  cron?: string;
  /** outbox topics (src/jobs/outbox.ts) whose events become jobs of this queue */
  subscribesTo?: readonly string[];
  /** jobs of this queue one process runs at once */
  concurrency?: number;
  handler(deps: D): JobHandler<T>;
};

/** Widens a definition's data type for the list of all queues, keeping it checked where it is written. */
export const defineJob = <T extends object, D extends JobBase = JobBase>(definition: JobDefinition<T, D>): JobDefinition<object, D> =>
  definition as unknown as JobDefinition<object, D>;
