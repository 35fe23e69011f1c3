// Setting off background jobs from a test, and waiting for the workers to finish them.
import PgBoss from 'pg-boss';
import type pg from 'pg';
import { onConnection } from '../../src/jobs/connection.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';

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
