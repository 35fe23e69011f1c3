// Background jobs as a read-only AdminJS resource over pg-boss's own table (pgboss.job): no
// Prisma model, since pg-boss owns and migrates that schema.
import { BaseProperty, BaseRecord, type Filter, type ParamsType } from 'adminjs';
import type pg from 'pg';
import { JOB_SCHEMA } from '../src/shared/migrate.js';
import { DEAD_LETTERS } from '../src/jobs/job-engine.js';
import { isUuid } from './prisma-resource.js';
import { listWhere, SqlResource } from './sql-resource.js';

/** pg-boss's job states, in its own order. */
export const JOB_STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** What the list holds unless filtered by state: spent jobs (failed) and those waiting for another automatic try (retry). */
const LISTED_STATES: JobState[] = ['failed', 'retry'];

// Every query leaves out the dead-letters queue. pg-boss copies a spent job there under that
// queue's name, without the queue it came from, and no worker serves it: retrying the copy would
// run nothing. Its original stays failed in its own queue (for 7 days, see job-engine.ts), and
// that one is listed and retried.
const NOT_DEAD_LETTERS = `name <> '${DEAD_LETTERS}'`;

type JobRow = {
  id: string;
  queue: string;
  state: string;
  data: unknown;
  output: unknown;
  retryCount: number;
  retryLimit: number;
  createdOn: Date;
  startedOn: Date | null;
  completedOn: Date | null;
  startAfter: Date;
};

const COLUMNS = `id, name AS queue, state::text AS state, data, output, retry_count AS "retryCount", retry_limit AS "retryLimit",
  created_on AS "createdOn", started_on AS "startedOn", completed_on AS "completedOn", start_after AS "startAfter"`;

/** Sortable properties and their columns: nothing else reaches ORDER BY. */
const SORT_COLUMNS: Record<string, string> = {
  createdOn: 'created_on',
  startedOn: 'started_on',
  completedOn: 'completed_on',
  startAfter: 'start_after',
  queue: 'name',
  state: 'state',
};

const PROPERTIES = [
  new BaseProperty({ path: 'id', isId: true, isSortable: false }),
  new BaseProperty({ path: 'queue' }),
  new BaseProperty({ path: 'state' }),
  new BaseProperty({ path: 'summary', isSortable: false }),
  new BaseProperty({ path: 'data', isSortable: false }),
  new BaseProperty({ path: 'error', isSortable: false }),
  new BaseProperty({ path: 'attempts', isSortable: false }),
  new BaseProperty({ path: 'createdOn', type: 'datetime' }),
  new BaseProperty({ path: 'startedOn', type: 'datetime' }),
  new BaseProperty({ path: 'completedOn', type: 'datetime' }),
  new BaseProperty({ path: 'startAfter', type: 'datetime' }),
];

const SUMMARY_LENGTH = 120;
const ERROR_LENGTH = 500;
const cut = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

/**
 * What went wrong, as one line: a thrown error's name and message (pg-boss stores the error
 * serialised, stack included: the stack is never shown), or the output as JSON.
 */
export function errorText(output: unknown): string {
  if (output === null || output === undefined) return '';
  const error = output as { name?: unknown; message?: unknown };
  const text =
    typeof error.message === 'string'
      ? `${typeof error.name === 'string' && error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}`
      : JSON.stringify(output);
  return cut(text.replace(/\s+/g, ' ').trim(), ERROR_LENGTH);
}

// pg-boss's columns mean different things by state: output is the last error of a failed or
// retrying job but a completed one's result; completed_on of a retried job is its old failure;
// start_after of a job that ran is when it last could start.
const HOLDS_ERROR: readonly string[] = ['failed', 'retry'];
const FINISHED: readonly string[] = ['completed', 'cancelled', 'failed'];
const WAITING: readonly string[] = ['created', 'retry'];

function toParams(row: JobRow): ParamsType {
  // pg-boss counts retries in retry_count; the first run is not one (a job failed before it ever ran has had no attempt)
  const attempts = row.retryCount + (row.startedOn ? 1 : 0);
  return {
    id: row.id,
    queue: row.queue,
    state: row.state,
    summary: row.data === null ? '' : cut(JSON.stringify(row.data), SUMMARY_LENGTH),
    data: row.data,
    error: HOLDS_ERROR.includes(row.state) ? errorText(row.output) : '',
    attempts: `${attempts} of ${row.retryLimit + 1}`,
    createdOn: row.createdOn,
    startedOn: row.startedOn,
    completedOn: FINISHED.includes(row.state) ? row.completedOn : null,
    startAfter: WAITING.includes(row.state) ? row.startAfter : null,
  };
}

/**
 * Failed and retrying jobs of every queue, newest first, for the staff panel (jobs in other
 * states when filtered by one). A job's own page (findOne) shows it in any state, so a retried
 * job can be followed until it completes.
 */
export class JobResource extends SqlResource {
  constructor(pool: pg.Pool) {
    super(pool, { id: 'BackgroundJob', databaseName: 'pg-boss', properties: PROPERTIES });
  }

  // The list's filters by queue, state (any state: a retried job can be found once it completed)
  // and creation time; anything else (a typo in a link, a value no column can hold) is left out
  // rather than sent to the database.
  private where(filter?: Filter): { sql: string; values: unknown[] } {
    const where = listWhere(NOT_DEAD_LETTERS);
    const { queue, state, createdOn } = filter?.filters ?? {};
    const states = JOB_STATES.find((known) => known === state?.value) ?? LISTED_STATES;
    where.add((n) => `state::text = ANY($${n}::text[])`, [states].flat());
    if (typeof queue?.value === 'string') where.add((n) => `name = $${n}`, queue.value);
    where.addTimeRange('created_on', createdOn?.value);
    return where.done();
  }

  async count(filter: Filter): Promise<number> {
    const { sql, values } = this.where(filter);
    const { rows } = await this.pool.query<{ count: number }>(`SELECT COUNT(*)::int AS count FROM ${JOB_SCHEMA}.job WHERE ${sql}`, values);
    return rows[0].count;
  }

  async find(filter: Filter, options: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } } = {}): Promise<BaseRecord[]> {
    const { sql, values } = this.where(filter);
    const column = SORT_COLUMNS[options.sort?.sortBy ?? ''] ?? 'created_on';
    const direction = options.sort?.direction === 'asc' ? 'ASC' : 'DESC';
    values.push(options.limit ?? 10, options.offset ?? 0);
    const { rows } = await this.pool.query<JobRow>(
      `SELECT ${COLUMNS} FROM ${JOB_SCHEMA}.job WHERE ${sql}
        ORDER BY ${column} ${direction} NULLS LAST, id LIMIT $${values.length - 1} OFFSET $${values.length}`,
      values,
    );
    return rows.map((row) => new BaseRecord(toParams(row), this));
  }

  async findMany(ids: (string | number)[]): Promise<BaseRecord[]> {
    const uuids = ids.map(String).filter(isUuid);
    if (!uuids.length) return [];
    const { rows } = await this.pool.query<JobRow>(`SELECT ${COLUMNS} FROM ${JOB_SCHEMA}.job WHERE ${NOT_DEAD_LETTERS} AND id = ANY($1::uuid[])`, [uuids]);
    return rows.map((row) => new BaseRecord(toParams(row), this));
  }
}
