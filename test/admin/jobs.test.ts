// The staff panel's background jobs: failed and retrying jobs of every queue, and Retry.
import type PgBoss from 'pg-boss';
import supertest from 'supertest';
import { adminApi, panelPerFile } from '../helpers/admin-fixtures.js';
import { completedJob, failedJob, jobRow, queueJobs, retryingJob } from '../helpers/jobs-fixtures.js';
import { tokenFor, uniqueId } from '../helpers/test-app.js';
import { DEAD_LETTERS } from '../../src/jobs/job-engine.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';

const panel = panelPerFile();
const JOBS = 'BackgroundJob';
const list = (query = '') => panel.staff.get(adminApi.list(JOBS, query)).expect(200);
const retry = (id: string) => panel.staff.post(adminApi.recordAction(JOBS, id, 'retry')).send({});
const boss = (): PgBoss => panel.shop.jobs.boss;

type Listed = { id: string; params: Record<string, unknown>; recordActions: { name: string }[] };
const listedIds = (body: { records: Listed[] }) => body.records.map((r) => r.id);

// Each test makes its own queue, so lists are filtered to it and nothing depends on another test's jobs.
let queue: string;
beforeEach(async () => {
  queue = uniqueId('panel-test').replaceAll('_', '-');
  await queueJobs(boss(), queue);
});

describe('GET /admin/api/resources/BackgroundJob/actions/list', () => {
  test('when jobs failed, wait to retry, completed or wait to run, then staff see the failed and retrying ones, newest first, with what and why', async () => {
    const older = await failedJob(boss(), queue, { orderId: 'o-1' }, new TypeError('gateway said no'));
    const waiting = await retryingJob(boss(), queue, { orderId: 'o-2' }, new Error('timed out'));
    const newest = await failedJob(boss(), queue, { orderId: 'o-3', note: 'x'.repeat(300) }, new Error('line one\n  line two'));
    await completedJob(boss(), queue, { orderId: 'o-4' });
    await boss().send(queue, { orderId: 'o-5' }); // waiting to run: not a problem

    const res = await list(`filters.queue=${queue}`);

    expect(listedIds(res.body)).toEqual([newest, waiting, older]);
    expect(res.body.meta.total).toBe(3);
    const [first, second, third] = res.body.records as Listed[];
    expect(first.params).toMatchObject({ queue, state: 'failed', error: 'line one line two', attempts: '1 of 1' });
    expect(String(first.params.summary)).toMatch(/^\{"note":"x+…$/); // jsonb orders keys shortest first
    expect(String(first.params.summary)).toHaveLength(120);
    expect(second.params).toMatchObject({ state: 'retry', error: 'timed out', attempts: '1 of 3', summary: '{"orderId":"o-2"}' });
    expect(Date.parse(String(second.params.startAfter))).toBeGreaterThan(Date.now()); // its next attempt
    expect(first.params.startAfter).toBeNull(); // a failed job has none
    expect(third.params).toMatchObject({ state: 'failed', error: 'TypeError: gateway said no' });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // pg-boss keeps the stack; the panel never shows it
    // Retry is offered on failed jobs only: a retrying one gets its next attempt anyway
    expect(first.recordActions.map((a) => a.name)).toContain('retry');
    expect(second.recordActions.map((a) => a.name)).not.toContain('retry');
  });

  test('when there are more failed jobs than a page holds, then pages follow each other newest first', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await failedJob(boss(), queue, { i }, new Error(`failure ${i}`)));

    const page1 = await list(`filters.queue=${queue}&perPage=2&page=1`);
    const page3 = await list(`filters.queue=${queue}&perPage=2&page=3`);

    expect(listedIds(page1.body)).toEqual([ids[4], ids[3]]);
    expect(listedIds(page3.body)).toEqual([ids[0]]);
    expect(page3.body.meta).toMatchObject({ total: 5, perPage: 2, page: 3 });
  });

  test('when filtered by state or creation time, then only those jobs are listed, in any state asked for; nonsense is ignored', async () => {
    const failed = await failedJob(boss(), queue, {}, new Error('no'));
    const waiting = await retryingJob(boss(), queue, {}, new Error('not yet'));
    const done = await completedJob(boss(), queue);
    const future = new Date(Date.now() + 3600_000).toISOString();

    expect(listedIds((await list(`filters.queue=${queue}&filters.state=failed`)).body)).toEqual([failed]);
    expect(listedIds((await list(`filters.queue=${queue}&filters.state=retry`)).body)).toEqual([waiting]);
    expect(listedIds((await list(`filters.queue=${queue}&filters.state=completed`)).body)).toEqual([done]); // a retried job can be found when done
    expect(listedIds((await list(`filters.queue=${queue}&filters.createdOn~~from=${future}`)).body)).toEqual([]);
    const nonsense = await list(
      `filters.queue=${queue}&filters.state=exploded&filters.createdOn~~from=yesterday-ish&filters.nosuch=1&sortBy=data;DROP&direction=sideways`,
    );
    expect(listedIds(nonsense.body).sort()).toEqual([failed, waiting].sort());
  });

  test('when a job failed 13 hours ago and maintenance ran, then it is still listed (pg-boss alone would have archived it)', async () => {
    const id = await failedJob(boss(), queue, {}, new Error('failed last night'));
    await panel.shop.db.pool.query(`UPDATE ${JOB_SCHEMA}.job SET completed_on = now() - interval '13 hours' WHERE id = $1`, [id]);

    await boss().maintain();

    expect(listedIds((await list(`filters.queue=${queue}`)).body)).toEqual([id]);
  });

  test('when a job used up its tries, then its copy in the dead-letters queue is not listed (its original is)', async () => {
    const original = await failedJob(boss(), queue, { orderId: uniqueId('dl') }, new Error('spent'));
    const copy = await deadLetterCopyOf(original);

    const res = await list(`perPage=500`);

    expect(listedIds(res.body)).toContain(original);
    expect(listedIds(res.body)).not.toContain(copy);
    expect(res.body.records.map((r: Listed) => r.params.queue)).not.toContain(DEAD_LETTERS);
  });
});

describe('POST /admin/api/resources/BackgroundJob/records/{id}/retry', () => {
  test('when staff retry a failed job, then it waits to run again with one more try, and a worker of its queue runs it to completion', async () => {
    const id = await failedJob(boss(), queue, { orderId: 'o-9' }, new Error('mail server down'));

    const res = await retry(id).expect(200);

    expect(res.body.notice).toEqual({ message: `Job queued again: a ${queue} worker runs it next`, type: 'success' });
    expect(res.body.redirectUrl).toBe(`/admin/resources/${JOBS}/records/${id}/show`);
    expect(await jobRow(panel.shop.db.pool, id)).toMatchObject({ state: 'retry', retryLimit: 1 });
    expect(res.body.record.params).toMatchObject({ state: 'retry', error: 'mail server down', completedOn: null }); // its failure is no longer its end
    const ran: unknown[] = [];
    const worker = await boss().work<{ orderId: string }>(queue, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      ran.push(job.data);
      return { sent: 1 };
    });
    try {
      await waitFor(async () => (await jobRow(panel.shop.db.pool, id)).state === 'completed');
    } finally {
      await boss().offWork({ id: worker });
    }
    expect(ran).toEqual([{ orderId: 'o-9' }]);
    // its own page follows it to the end, though the list holds failed and retrying jobs only
    const shown = await panel.staff.get(adminApi.recordAction(JOBS, id, 'show')).expect(200);
    expect(shown.body.record.params).toMatchObject({ state: 'completed', attempts: '2 of 2', error: '', startAfter: null }); // its result is no error
    expect(listedIds((await list(`filters.queue=${queue}`)).body)).toEqual([]);
  });

  test('when the retry link is only opened (GET), then nothing changes', async () => {
    const id = await failedJob(boss(), queue, {}, new Error('no'));

    const res = await panel.staff.get(adminApi.recordAction(JOBS, id, 'retry')).expect(200);

    expect(res.body.record.params).toMatchObject({ id, state: 'failed' });
    expect(await jobRow(panel.shop.db.pool, id)).toMatchObject({ state: 'failed', retryLimit: 0 });
  });

  test('when the job is no longer failed (a colleague retried it first), then the retry says so and changes nothing', async () => {
    const id = await failedJob(boss(), queue, {}, new Error('no'));
    await retry(id).expect(200);

    const res = await retry(id).expect(200);

    expect(res.body.notice).toEqual({ message: 'This job is retry, not failed: nothing to retry', type: 'error' });
    expect(await jobRow(panel.shop.db.pool, id)).toMatchObject({ state: 'retry', retryLimit: 1 });
  });

  test('when aimed at a dead-letters copy, then it is refused as no job of the panel, and the copy stays as it was', async () => {
    const original = await failedJob(boss(), queue, { orderId: uniqueId('dl') }, new Error('spent'));
    const copy = await deadLetterCopyOf(original);
    const before = await jobRow(panel.shop.db.pool, copy);

    const res = await retry(copy).expect(200);

    expectNotFound(res.body);
    expect(await jobRow(panel.shop.db.pool, copy)).toEqual(before);
    expect(await jobRow(panel.shop.db.pool, original)).toMatchObject({ state: 'failed' });
  });

  test('when the id is no job id at all, then the answer is not found, not a crash', async () => {
    expectNotFound((await retry('not-a-uuid').expect(200)).body);
    expectNotFound((await retry('00000000-0000-4000-8000-000000000000').expect(200)).body);
  });

  test('when a customer or nobody signed in tries, then they are sent to the sign-in page and the job stays failed', async () => {
    const id = await failedJob(boss(), queue, {}, new Error('no'));
    const customer = await tokenFor(uniqueId('user'), { role: 'customer' });
    const path = adminApi.recordAction(JOBS, id, 'retry');

    const asCustomer = await supertest(panel.shop.app).post(path).set('Authorization', `Bearer ${customer}`).send({});
    const anonymous = await supertest(panel.shop.app).post(path).send({});
    const listing = await supertest(panel.shop.app).get(adminApi.list(JOBS)).set('Authorization', `Bearer ${customer}`);

    for (const res of [asCustomer, anonymous, listing]) {
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/admin/login');
      expect(JSON.stringify(res.body ?? {})).not.toContain(id);
    }
    expect(await jobRow(panel.shop.db.pool, id)).toMatchObject({ state: 'failed', retryLimit: 0 });
  });
});

describe('the dashboard', () => {
  test('when jobs ran in the last day, then it counts them by state, archived ones included, dead-letter copies and older jobs left out', async () => {
    const pool = panel.shop.db.pool;
    const before = (await panel.staff.get('/admin/api/dashboard').expect(200)).body.backgroundJobs;
    const failed = await failedJob(boss(), queue, { orderId: uniqueId('dl') }, new Error('no'));
    await deadLetterCopyOf(failed);
    await retryingJob(boss(), queue, {}, new Error('not yet'));
    await completedJob(boss(), queue);
    const archived = await completedJob(boss(), queue);
    // finished 13 hours ago: pg-boss's maintenance moves it to its archive
    await pool.query(`UPDATE ${JOB_SCHEMA}.job SET completed_on = now() - interval '13 hours' WHERE id = $1`, [archived]);
    await boss().maintain();
    expect(await jobRow(pool, archived)).toBeUndefined();
    const old = (await boss().send(queue, {}))!;
    await pool.query(`UPDATE ${JOB_SCHEMA}.job SET state = 'failed', created_on = now() - interval '2 days' WHERE id = $1`, [old]);
    await boss().send(queue, {});

    const res = await panel.staff.get('/admin/api/dashboard').expect(200);

    const added = Object.fromEntries(res.body.backgroundJobs.map((j: { state: string; count: number }, i: number) => [j.state, j.count - before[i].count]));
    expect(added).toEqual({ created: 1, retry: 1, active: 0, completed: 2, cancelled: 0, failed: 1 });
  });
});

/** AdminJS's API answers a missing record with 200 and an error notice, as for any other resource. */
function expectNotFound(body: { notice: unknown; record: { params: object } }) {
  expect(body.notice).toEqual({ message: expect.stringMatching(/cannot be found/), type: 'error' });
  expect(body.record.params).toEqual({});
}

/** The copy pg-boss wrote to the dead-letters queue when this job failed for good (same data, no link back). */
async function deadLetterCopyOf(originalId: string): Promise<string> {
  const { rows } = await panel.shop.db.pool.query<{ id: string }>(
    `SELECT c.id FROM ${JOB_SCHEMA}.job c JOIN ${JOB_SCHEMA}.job o ON o.id = $1 AND c.data = o.data WHERE c.name = $2`,
    [originalId, DEAD_LETTERS],
  );
  expect(rows).toHaveLength(1);
  return rows[0].id;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`still not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
