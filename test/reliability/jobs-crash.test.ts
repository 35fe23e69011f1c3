// Background work across processes, with a worker killed mid-job: two API processes take the
// payments and staff refunds, one worker process runs the mails and refunds they set off and is
// killed (SIGKILL) while it holds jobs (the SMTP server answers slowly, so it is mid-send), and two
// fresh workers take over. Every mail reaches the SMTP server at most once, and every
// one the killed worker did not hold exactly once; every refund is issued at the gateway once.
import PgBoss from 'pg-boss';
import { createTestDatabase } from '../helpers/test-app.js';
import { createDb, type Db } from '../../src/shared/db.js';
import { createPayableOrder, paymentsOf, type PayableOrder } from '../helpers/payments-fixtures.js';
import { signedDelivery, startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { createUser } from '../helpers/fixtures.js';
import { checkTheLedgerAfterTheLoad, eventually, startShopProcess, type ShopProcess } from '../helpers/reliability-fixtures.js';
import { onConnection } from '../../src/jobs/connection.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';
import { reportCounts } from './report.js';

const ORDERS = 30;
const startWorker = () => startShopProcess(database.url, { ...env, PROCESS_ROLE: 'worker' });
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let stripe: FakeStripe;
let smtp: TestSmtpServer;
let apis: ShopProcess[];
let workers: ShopProcess[] = [];
let env: Record<string, string>;
const counts = { orders: 0, mailsSent: 0, mailsLeftByTheKill: 0, refunds: 0, jobsHeldAtTheKill: 0, stockMovements: 0 };

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 4);
  stripe = await startFakeStripe();
  smtp = await startTestSmtpServer();
  // a refund's lease (two gateway calls of at most 1 s, and a margin) is short, so a killed
  // worker's refund is taken over within seconds
  env = { ...stripe.env, ...smtp.env, REFUND_RETRY_DELAY_SECONDS: '1', PAYMENT_GATEWAY_TIMEOUT_MS: '1000' };
  apis = await Promise.all([startShopProcess(database.url, { ...env, PROCESS_ROLE: 'api' }), startShopProcess(database.url, { ...env, PROCESS_ROLE: 'api' })]);
}, 120_000);
afterAll(async () => {
  await Promise.all([...apis, ...workers].map((p) => p.stop().catch(() => {})));
  await smtp.close();
  await stripe.close();
  await db.close();
  await database.drop();
  reportCounts('jobs-crash', counts);
});

/** Pays the order with Stripe through one API process, the webhook through the other. */
async function paidByStripe(order: PayableOrder, i: number): Promise<string> {
  const started = await apis[i % 2].request
    .post(`/api/orders/${order.orderId}/payments`)
    .set('Authorization', `Bearer ${order.token}`)
    .send({ provider: 'stripe' });
  expect(started.status).toBe(201);
  const { payload, header } = signedDelivery(stripe.completed(started.body.id));
  const delivered = await apis[(i + 1) % 2].request
    .post('/api/payments/stripe/webhook')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', header)
    .send(payload);
  expect(delivered.status).toBe(200);
  return stripe.sessionFor(started.body.id).payment_intent!;
}

const jobCount = async (states: string[]) =>
  (
    await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${JOB_SCHEMA}.job WHERE state::text = ANY($1) AND name <> 'dead-letters' AND left(name, 8) <> '__pgboss'`,
      [states],
    )
  ).rows[0].n;

/** pg-boss retries a dead worker's job once its expiry passes: make that time pass now for those jobs, and run pg-boss's expiry. */
async function expireJobsOfTheDeadWorker(): Promise<number> {
  const { rowCount } = await db.pool.query(`UPDATE ${JOB_SCHEMA}.job SET started_on = now() - interval '1 day' WHERE state = 'active'`);
  const boss = new PgBoss({ db: onConnection(db.pool), schema: JOB_SCHEMA, supervise: false, schedule: false, migrate: false });
  await boss.start();
  await boss.expire();
  await boss.stop({ graceful: false, wait: true });
  return rowCount ?? 0;
}

describe('a worker killed mid-job', () => {
  test('when staff refund 30 paid orders and the worker is killed mid-send, then every refund is issued once and no mail is sent twice', async () => {
    const staff = await createUser(db.pool, { role: 'admin' });
    const orders = await Promise.all(Array.from({ length: ORDERS }, () => createPayableOrder(db.pool)));
    const intents = await Promise.all(orders.map((order, i) => paidByStripe(order, i)));
    smtp.answerAfter(300);
    const doomed = await startWorker();

    // the refunds through both API processes, and the kill while the worker holds jobs
    const refunds = Promise.all(
      orders.map((order, i) => apis[i % 2].request.post(`/api/admin/orders/${order.orderId}/refund`).set('Authorization', staff.auth).send({})),
    );
    const sending = async () => (await db.pool.query(`SELECT 1 FROM mails WHERE status = 'SENDING'`)).rowCount! > 0;
    await eventually(async () => (await jobCount(['active'])) >= 3 && (await sending()), 20_000, 10);
    process.kill(doomed.pid, 'SIGKILL');
    const answers = await refunds;
    counts.jobsHeldAtTheKill = await expireJobsOfTheDeadWorker();
    smtp.answerAfter(0);
    workers = await Promise.all([startWorker(), startWorker()]);
    const settled = await eventually(
      async () => (await jobCount(['created', 'retry', 'active'])) === 0 && (await db.pool.query(`SELECT 1 FROM outbox`)).rowCount === 0,
      90_000,
    );

    expect(settled).toBe(true);
    expect(answers.map((r) => r.status)).toEqual(Array(ORDERS).fill(200));
    for (const [i, order] of orders.entries()) {
      const [payment] = await paymentsOf(db.pool, order.orderId);
      expect(payment.status).toBe('REFUNDED');
      expect(stripe.refunds.filter((r) => r.payment_intent === intents[i] && r.status === 'succeeded')).toHaveLength(1);
    }
    // every refund call reached the gateway once: no attempt refunded again without asking
    expect(stripe.requests.filter((r) => r === 'POST /v1/refunds')).toHaveLength(ORDERS);

    const { rows: mails } = await db.pool.query<{ status: string; messageId: string | null; kind: string }>(
      `SELECT status::text, message_id AS "messageId", kind FROM mails`,
    );
    const received = smtp.received.map((m) => m.parsed.messageId);
    expect(new Set(received).size).toBe(received.length); // nothing twice
    const sent = mails.filter((m) => m.status === 'SENT');
    expect(received).toEqual(expect.arrayContaining(sent.map((m) => m.messageId)));
    // a mail the killed worker was sending is never sent again: it waits for staff as UNKNOWN
    // (the server may have taken it just before the kill: at most once, not exactly once)
    const leftByTheKill = mails.filter((m) => m.status !== 'SENT');
    expect(leftByTheKill.every((m) => m.status === 'SENDING' || m.status === 'UNKNOWN')).toBe(true);
    expect(leftByTheKill.length).toBeLessThanOrEqual(counts.jobsHeldAtTheKill);
    expect(received.length).toBeLessThanOrEqual(sent.length + leftByTheKill.length);
    // each order's payment-received and refund mails exist once (the unique key), sent unless the kill held them
    for (const kind of ['payment_received', 'refunded']) expect(mails.filter((m) => m.kind === kind)).toHaveLength(ORDERS);
    Object.assign(counts, { orders: ORDERS, mailsSent: sent.length, mailsLeftByTheKill: leftByTheKill.length, refunds: ORDERS });
  }, 180_000);
});

checkTheLedgerAfterTheLoad(() => db.pool, counts);
