import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { inTransaction, type Queryable, type Tx } from '../shared/db.js';
import type { JobDefinition } from './job-definition.js';
import { onConnection } from './connection.js';

// The transactional outbox: a change that implies background work writes one outbox row in its
// own transaction (recordEvent, or an INSERT INTO outbox inside the change's statement), and
// the relay moves each row to the queues that subscribe to its topic, deleting it in the same
// transaction. So a rolled-back change leaves no job, and a committed one always gets its jobs,
// once, with any number of relays running (SKIP LOCKED), and a relay killed mid-way rolls back.

export type OutboxEvent = { id: number; topic: string; payload: Record<string, unknown> };

export async function recordEvent(db: Queryable, topic: string, payload: object): Promise<void> {
  await db.query(`INSERT INTO outbox (topic, payload) VALUES ($1, $2)`, [topic, payload]);
}

/** The job data a subscriber receives: the event's payload and its outbox id (a stable key for deduplication). */
export type EventJob<T> = T & { eventId: number };

const BATCH = 200;

/** Moves one batch of outbox rows to their subscribers' queues; returns how many rows it moved. */
export async function relayOutbox(pool: pg.Pool, boss: PgBoss, definitions: readonly Pick<JobDefinition, 'name' | 'subscribesTo'>[]): Promise<number> {
  const subscribers = new Map<string, string[]>();
  for (const { name, subscribesTo = [] } of definitions) for (const topic of subscribesTo) subscribers.set(topic, [...(subscribers.get(topic) ?? []), name]);
  return inTransaction(pool, async (tx: Tx) => {
    const { rows } = await tx.query<OutboxEvent>(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id, topic, payload`,
      [BATCH],
    );
    const jobs = rows.flatMap((event) => (subscribers.get(event.topic) ?? []).map((name) => ({ name, data: { ...event.payload, eventId: Number(event.id) } })));
    if (jobs.length) await boss.insert(jobs, { db: onConnection(tx) });
    return rows.length;
  });
}

/** Relays every `intervalMs` (sooner while there is a backlog) until stopped. */
export function startOutboxRelay(
  pool: pg.Pool,
  boss: PgBoss,
  definitions: readonly Pick<JobDefinition, 'name' | 'subscribesTo'>[],
  logger: Logger,
  intervalMs: number,
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async () => {
    let moved = 0;
    try {
      moved = await relayOutbox(pool, boss, definitions);
    } catch (err) {
      logger.warn({ err }, 'outbox relay failed; retrying');
    }
    if (!stopped) schedule(moved === BATCH ? 0 : intervalMs);
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      running = pass().finally(() => (running = undefined));
    }, delayMs);
    timer.unref();
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
