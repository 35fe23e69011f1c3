// Setting off background jobs from a test, and waiting for the workers to finish them.
import PgBoss from 'pg-boss';
import type pg from 'pg';
import { onConnection } from '../../src/jobs/connection.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';
import { DEAD_LETTERS } from '../../src/jobs/job-engine.js';

/** Sends `count` jobs of queue `name` (as a schedule or the outbox relay would), returns their ids. */
export async function sendJobs(pool: pg.Pool, name: string, count = 1, data: object = {}): Promise<string[]> {
  const boss = new PgBoss({ db: onConnection(pool), schema: JOB_SCHEMA, supervise: false, schedule: false, migrate: false });
  await boss.start();
  try {
    const ids = await Promise.all(Array.from({ length: count }, () => boss.send(name, data)));
    return ids.filter((id): id is string => id !== null);
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

/** The state of each of these jobs. */
export async function jobStates(pool: pg.Pool, ids: string[]): Promise<string[]> {
  const { rows } = await pool.query<{ state: string }>(`SELECT state::text FROM ${JOB_SCHEMA}.job WHERE id = ANY($1::uuid[]) ORDER BY id`, [ids]);
  return rows.map((r) => r.state);
}

/** Waits until every one of these jobs has finished (completed, failed or cancelled); answers their states. */
export async function jobsFinished(pool: pg.Pool, ids: string[], timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await jobStates(pool, ids);
    if (states.length === ids.length && states.every((s) => ['completed', 'failed', 'cancelled'].includes(s))) return states;
    if (Date.now() > deadline) throw new Error(`jobs still running after ${timeoutMs} ms: ${states.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A queue of the tests' own, set up like the engine sets up every queue (spent jobs copied to dead-letters), with no tries beyond the first. */
export async function queueJobs(boss: PgBoss, name: string) {
  if (!(await boss.getQueue(DEAD_LETTERS))) await boss.createQueue(DEAD_LETTERS, { name: DEAD_LETTERS, retryLimit: 0 });
  await boss.createQueue(name, { name, retryLimit: 0, deadLetter: DEAD_LETTERS });
}

/** Sends a job and takes it as a worker would (the queue's oldest waiting job must be this one). */
async function sendAndTake(boss: PgBoss, queue: string, data: object, options: PgBoss.SendOptions = {}): Promise<string> {
  const id = (await boss.send(queue, data, options))!;
  const [taken] = await boss.fetch(queue);
  if (taken?.id !== id) throw new Error(`queue ${queue} had another job waiting before ${id}`);
  return id;
}

/** A job a worker ran to completion. */
export async function completedJob(boss: PgBoss, queue: string, data: object = {}): Promise<string> {
  const id = await sendAndTake(boss, queue, data);
  await boss.complete(queue, id);
  return id;
}

/** Sends a job, takes it as a worker would and fails it with `error`: with `retryLimit` tries left it waits to retry, without any it has failed. */
async function sendAndFail(boss: PgBoss, queue: string, data: object, error: Error, options: PgBoss.SendOptions = {}): Promise<string> {
  const id = await sendAndTake(boss, queue, data, options);
  await boss.fail(queue, id, error);
  return id;
}

/** A job that failed for good (its queue allows no retry); pg-boss copies it to dead-letters. */
export const failedJob = (boss: PgBoss, queue: string, data: object, error: Error) => sendAndFail(boss, queue, data, error);

/** A job that failed once and waits an hour for the next of its 2 retries. */
export const retryingJob = (boss: PgBoss, queue: string, data: object, error: Error) =>
  sendAndFail(boss, queue, data, error, { retryLimit: 2, retryDelay: 3600 });

/** A job's row as pg-boss keeps it. */
export async function jobRow(pool: pg.Pool, id: string) {
  const { rows } = await pool.query<{ name: string; state: string; retryLimit: number; retryCount: number; data: unknown; startAfter: Date }>(
    `SELECT name, state::text, retry_limit AS "retryLimit", retry_count AS "retryCount", data, start_after AS "startAfter" FROM ${JOB_SCHEMA}.job WHERE id = $1`,
    [id],
  );
  return rows[0];
}
