import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Logger } from 'pino';
import { errorSummary } from '../shared/logger.js';
import { onConnection } from './connection.js';
import type { JobBase, JobDefinition } from './job-definition.js';
import { JOB_SCHEMA } from '../shared/migrate.js';
import { startOutboxRelay } from './outbox.js';

// pg-boss in the shop's own PostgreSQL (schema `pgboss`), over the app's pool: nothing beyond
// PostgreSQL, so any number of instances share the queues safely.

/**
 * pg-boss copies every job whose retries are spent to this queue, which no worker serves. The
 * original stays failed in its own queue: the staff panel lists and retries that one (admin/job-resource.ts).
 */
export const DEAD_LETTERS = 'dead-letters';

/**
 * How long a failed job stays in pgboss.job, where the staff panel lists it and pg-boss's retry
 * reaches it (pg-boss would archive it after 12 hours: gone over a weekend). Archived jobs are
 * deleted 7 days later.
 */
const FAILED_JOBS_KEPT_SECONDS = 7 * 24 * 3600;

/** Without a queue's own settings: three tries, 30 s apart, doubling; a running job is presumed dead after 5 minutes. */
const DEFAULT_QUEUE = { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 300 } satisfies Omit<PgBoss.Queue, 'name'>;

export type JobEngineOptions<D extends JobBase> = {
  /** what the handlers need (D), but pg-boss itself, which the engine adds */
  deps: Omit<D, 'boss'>;
  definitions: readonly JobDefinition<object, D>[];
  /** run the queues' workers, the schedules, pg-boss's maintenance and the outbox relay (PROCESS_ROLE worker or all) */
  workers: boolean;
  pollingIntervalSeconds: number;
};

export type JobEngine = { boss: PgBoss; stop(): Promise<void> };

/**
 * Starts pg-boss. Without workers (an API-only process) it only reads and retries jobs for the
 * staff panel: the API enqueues through the outbox, which needs no engine.
 */
export async function startJobEngine<D extends JobBase>({ deps, definitions, workers, pollingIntervalSeconds }: JobEngineOptions<D>): Promise<JobEngine> {
  const { pool, logger } = deps;
  const boss = new PgBoss({
    db: onConnection(pool),
    schema: JOB_SCHEMA,
    migrate: false,
    supervise: workers,
    schedule: workers,
    archiveFailedAfterSeconds: FAILED_JOBS_KEPT_SECONDS,
  });
  boss.on('error', (err) => logger.warn({ err }, 'job engine error; it carries on'));
  if (!workers) {
    await boss.start();
    return { boss, stop: () => boss.stop({ graceful: false, wait: true }) };
  }

  const handlerDeps = { ...deps, boss } as D;
  // Creating a queue is DDL on pg-boss's partitioned job table: instances starting at once, or
  // pg-boss's own maintenance meanwhile, would deadlock on it. So one instance at a time sets
  // the queues up, through a pg-boss that runs no maintenance, before any starts supervising.
  await oneInstanceAtATime(pool, async () => {
    const setup = new PgBoss({ db: onConnection(pool), schema: JOB_SCHEMA, migrate: false, supervise: false, schedule: false });
    await setup.start();
    try {
      await ensureQueue(setup, DEAD_LETTERS, { retryLimit: 0 });
      for (const definition of definitions) {
        const settings = typeof definition.queue === 'function' ? definition.queue(handlerDeps) : definition.queue;
        await ensureQueue(setup, definition.name, { ...DEFAULT_QUEUE, ...settings, deadLetter: DEAD_LETTERS });
        if (definition.cron) await setup.schedule(definition.name, definition.cron);
      }
    } finally {
      await setup.stop({ graceful: false, wait: true });
    }
  });
  await boss.start();
  for (const definition of definitions) {
    const handle = definition.handler(handlerDeps);
    for (let i = 0; i < (definition.concurrency ?? 1); i++) {
      const worker = { id: '' };
      worker.id = await boss.work<object>(definition.name, { pollingIntervalSeconds, batchSize: 1 }, async ([job]) => {
        try {
          return await handle(job.data, job);
        } catch (err) {
          logger.warn({ err, queue: job.name, jobId: job.id }, 'job failed; pg-boss retries it while it has tries left');
          throw err;
        } finally {
          // pg-boss 10 waits out the polling interval after every job, so a backlog would drain
          // at one job per interval per worker: after a job, look for the next one at once,
          // and wait the interval only when a look finds nothing.
          if (worker.id) boss.notifyWorker(worker.id);
        }
      });
    }
  }
  const relay = startOutboxRelay(pool, boss, definitions, logger, pollingIntervalSeconds * 1000);
  return {
    boss,
    async stop() {
      await relay.stop();
      // waits for running handlers; one that outlives the timeout is retried by another worker
      await boss.stop({ graceful: true, wait: true, timeout: 8_000 });
    },
  };
}

/** Creates the queue, or brings an existing one's settings up to date (a deploy may change them). */
async function ensureQueue(boss: PgBoss, name: string, options: Omit<PgBoss.Queue, 'name'>) {
  if (await boss.getQueue(name)) await boss.updateQueue(name, { name, ...options });
  else await boss.createQueue(name, { name, ...options });
}

const QUEUE_SETUP_LOCK = 7_414_001; // any number no other advisory lock of the app uses

async function oneInstanceAtATime(pool: pg.Pool, work: () => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [QUEUE_SETUP_LOCK]);
    await work();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [QUEUE_SETUP_LOCK]).catch(() => {});
    client.release();
  }
}

/**
 * pg-boss 10 completes and fails a job without awaiting it (manager.js, onFetch): when the
 * database goes away at that moment, the rejection is unhandled, and Node's default would kill a
 * process that otherwise rides out the outage (503s, then serves again). The job is left active
 * and retried after its expiry, which its idempotent handler allows. Call once per process, where
 * it is composed: such a rejection is logged in one line, and the process carries on.
 */
export function logUnhandledRejections(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: errorSummary(reason) }, 'unhandled rejection; the process carries on');
  });
}
