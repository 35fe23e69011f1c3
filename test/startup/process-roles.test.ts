// PROCESS_ROLE on the real src/main.ts: a worker runs the jobs and answers only the probes; an
// API process serves the API and the staff panel (whose Retry reaches pg-boss) but runs no job.
import PgBoss from 'pg-boss';
import supertest from 'supertest';
import { createDb, type Db } from '../../src/shared/db.js';
import { onConnection } from '../../src/jobs/connection.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';
import { createTestDatabase } from '../helpers/test-app.js';
import { dataDir, removeDataDirs, startMain, type MainProcess } from '../helpers/main-process.js';
import { freePort } from '../helpers/ports.js';
import { createOrder, createProduct, createUser, orderStatus } from '../helpers/fixtures.js';
import { failedJob, jobRow, jobsFinished, jobStates, queueJobs, sendJobs } from '../helpers/jobs-fixtures.js';

const STAFF = { email: 'roles-staff@shop.test', password: 'a long enough staff password' };

let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let db: Db | undefined;
let main: MainProcess | undefined;
afterEach(async () => {
  await main?.stop();
  main = undefined;
  await db?.close();
  await database?.drop();
  db = database = undefined;
});
afterAll(removeDataDirs);

/** src/main.ts in `role` on a database of its own, once it says what it runs; answers its base URL. */
async function startInRole(role: string, ready: RegExp, env: Record<string, string> = {}) {
  database = await createTestDatabase();
  db = createDb(database.url, 2);
  const port = await freePort();
  main = startMain({
    DATABASE_URL: database.url,
    PORT: String(port),
    DATA_DIR: dataDir(),
    LOG_LEVEL: 'info',
    PROCESS_ROLE: role,
    JOBS_POLL_INTERVAL_SECONDS: '0.5',
    ...env,
  });
  await main.waitFor(ready);
  return `http://127.0.0.1:${port}`;
}

/** fetch, and when the process cannot be reached, what it printed (a crash's cause) in the error. */
const call = (url: string, init?: RequestInit) =>
  fetch(url, init).catch((err: Error) => Promise.reject(new Error(`${err.message} (${String(err.cause)}); src/main.ts printed:\n${main?.output()}`)));

async function overdueOrder(pool: Db['pool']) {
  const product = await createProduct(pool, { stock: 3 });
  return createOrder(pool, { userId: (await createUser(pool)).id, lines: [{ product, quantity: 1 }], expiresInMinutes: -1 });
}

/** A pg-boss of the test's own on `pool`, for setting up queues and jobs as a deployment's worker would have. */
async function withBoss<T>(pool: Db['pool'], work: (boss: PgBoss) => Promise<T>): Promise<T> {
  const boss = new PgBoss({ db: onConnection(pool), schema: JOB_SCHEMA, supervise: false, schedule: false, migrate: false });
  await boss.start();
  try {
    return await work(boss);
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

describe('PROCESS_ROLE=worker', () => {
  test('when it runs, then it answers the probes, refuses the API with a problem, and an expiry job it is sent expires an overdue order', async () => {
    const base = await startInRole('worker', /"role":"worker".*"msg":"background jobs: running"/);
    const order = await overdueOrder(db!.pool);

    const health = await call(`${base}/healthz`);
    const ready = await call(`${base}/readyz`);
    const api = await call(`${base}/api/products`);
    const panel = await call(`${base}/admin`, { redirect: 'manual' });
    const [job] = await sendJobs(db!.pool, 'orders-expire');

    expect(health.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await api.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    expect(panel.status).toBe(404); // no staff panel either
    expect(await jobsFinished(db!.pool, [job])).toEqual(['completed']);
    expect(await orderStatus(db!.pool, order.id)).toBe('EXPIRED');
  }, 90_000);
});

describe('PROCESS_ROLE=api', () => {
  test('when it runs, then it serves the API, a job it is sent stays waiting, and staff retry a failed job from its panel', async () => {
    const base = await startInRole('api', /"msg":"Admin +http:\/\/127\.0\.0\.1:\d+\/admin"/, { ADMIN_EMAIL: STAFF.email, ADMIN_PASSWORD: STAFF.password });
    const pool = db!.pool;
    const order = await overdueOrder(pool);
    // the queues a worker deployment would have made on this database
    const failed = await withBoss(pool, async (boss) => {
      await boss.createQueue('orders-expire', { name: 'orders-expire', retryLimit: 0 });
      await queueJobs(boss, 'roles-test-failing');
      return failedJob(boss, 'roles-test-failing', { orderId: order.id }, new Error('no worker here'));
    });

    const products = await call(`${base}/api/products`);
    const [job] = await sendJobs(pool, 'orders-expire');
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // six polls of a worker, had there been one
    const staff = supertest.agent(base);
    await staff.post('/admin/login').type('form').send(STAFF).expect(302);
    const retried = await staff.post(`/admin/api/resources/BackgroundJob/records/${failed}/retry`).send({}).expect(200);

    expect(products.status).toBe(200);
    expect(await jobStates(pool, [job])).toEqual(['created']);
    expect(await orderStatus(pool, order.id)).toBe('AWAITING_PAYMENT');
    expect(retried.body.notice).toMatchObject({ type: 'success' });
    expect(await jobRow(pool, failed)).toMatchObject({ state: 'retry' }); // and it stays so: no worker here either
  }, 90_000);
});

describe('PROCESS_ROLE, when it is none of the roles', () => {
  test('then start-up fails with one line naming the variable', async () => {
    const started = startMain({ PROCESS_ROLE: 'scheduler', DATA_DIR: dataDir() });

    const { code } = await started.exited;

    const lines = started
      .output()
      .split('\n')
      .filter((line) => line.trim());
    expect(lines).toEqual([expect.stringMatching(/^Invalid configuration: PROCESS_ROLE: .+ Fix it in the environment or \.env\.$/)]);
    expect(started.output()).not.toMatch(/^\s+at /m);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
  }, 60_000);
});
