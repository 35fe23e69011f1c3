// At most one mail per dedupe key: duplicate events on two workers at once, an SMTP server that
// refuses and then recovers, and a claim a crashed worker left behind.
import { useTestShop } from '../helpers/test-app.js';
import { useTestSmtpServer } from '../helpers/smtp-server.js';
import { createOrder, createProduct, createUser } from '../helpers/fixtures.js';
import { mailRows, setStoreMailSettings } from '../helpers/mail-fixtures.js';
import { jobsFinished, sendJobs } from '../helpers/jobs-fixtures.js';
import { recordEvent } from '../../src/jobs/outbox.js';
import { startJobEngine, type JobEngine } from '../../src/jobs/job-engine.js';
import { JOB_DEFINITIONS, type AppJobDeps } from '../../src/job-definitions.js';
import { createMailer, type Mailer } from '../../src/notifications/mailer.js';
import { configuredProviders } from '../../src/payments/providers/registry.js';
import { createLogger } from '../../src/shared/logger.js';
import { PAYMENT_REFUNDED } from '../../src/payments/refunds.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';
import { sendOnce } from '../../src/notifications/outgoing-mails.js';
import { freePort } from '../helpers/ports.js';

const smtp = useTestSmtpServer();
const shop = useTestShop({ jobs: true, env: smtp.env });
const STAFF = 'staff@shop.test';

/** A second worker process on the same database, with its own mailer (as another instance would have). */
let second: { engine: JobEngine; mailer: Mailer };
beforeAll(async () => {
  await setStoreMailSettings(shop.db.pool, { staffEmail: STAFF });
  const mailer = createMailer(shop.config);
  const engine = await startJobEngine<AppJobDeps>({
    deps: { pool: shop.db.pool, logger: createLogger('silent'), config: shop.config, providers: configuredProviders(shop.config), mailer },
    definitions: JOB_DEFINITIONS,
    workers: true,
    pollingIntervalSeconds: 0.5,
  });
  second = { engine, mailer };
});
afterAll(async () => {
  await second?.engine.stop();
  second?.mailer.close();
});

/** A paid order (made straight in the tables: no event of its own) and its captured payment. */
async function paidOrder() {
  const buyer = await createUser(shop.db.pool);
  const product = await createProduct(shop.db.pool, { stock: 10 });
  const order = await createOrder(shop.db.pool, { userId: buyer.id, status: 'PAID', lines: [{ product, quantity: 1 }] });
  const { rows } = await shop.db.pool.query(`SELECT id FROM payments WHERE order_id = $1`, [order.id]);
  return { buyer, order, paymentId: rows[0].id as string };
}

/** The jobs of a queue made from events about this order, once they have all finished. */
async function finishedJobsFor(queue: string, orderId: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await shop.db.pool.query(`SELECT id FROM ${JOB_SCHEMA}.job WHERE name = $1 AND data->>'orderId' = $2`, [queue, orderId]);
    if (rows.length >= count)
      return jobsFinished(
        shop.db.pool,
        rows.map((r) => r.id),
      );
    if (Date.now() > deadline) throw new Error(`${rows.length} of ${count} ${queue} jobs`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('duplicate events', () => {
  test('when the same status change is delivered ten times to two workers at once, then the customer and staff each get one mail', async () => {
    const { buyer, order } = await paidOrder();

    await Promise.all(
      Array.from({ length: 10 }, () => recordEvent(shop.db.pool, 'order.status_changed', { orderId: order.id, from: 'AWAITING_PAYMENT', to: 'PAID' })),
    );
    const states = await finishedJobsFor('mail-order-status', order.id, 10);

    expect(states).toEqual(Array(10).fill('completed'));
    expect(smtp.server.to(buyer.email)).toHaveLength(1);
    expect(smtp.server.to(STAFF).filter((m) => m.text.includes(`#${order.number} is paid`))).toHaveLength(1);
    expect((await mailRows(shop.db.pool, `order:${order.id}:`)).map((m) => [m.kind, m.status, m.attempts])).toEqual(
      expect.arrayContaining([
        ['payment_received', 'SENT', 1],
        ['new_order', 'SENT', 1],
      ]),
    );
  });
});

describe('an SMTP server that refuses, then recovers', () => {
  test('when the server answers 451 to the first try, then the job is retried and the mail is sent once, on the second attempt', async () => {
    // retries a second apart instead of the queue's 30 s (the queue's settings are copied to each new job)
    await shop.jobs.boss.updateQueue('mail-refund', { name: 'mail-refund', retryLimit: 5, retryDelay: 1, retryBackoff: false, expireInSeconds: 120 });
    const { buyer, order, paymentId } = await paidOrder();
    smtp.server.refuseNext(1);

    await recordEvent(shop.db.pool, PAYMENT_REFUNDED, { paymentId, orderId: order.id, amountMinor: order.totalMinor, currency: 'USD' });
    const [state] = await finishedJobsFor('mail-refund', order.id, 1);

    expect(state).toBe('completed');
    expect(smtp.server.to(buyer.email)).toHaveLength(1);
    expect(await mailRows(shop.db.pool, `payment:${paymentId}:`)).toEqual([expect.objectContaining({ status: 'SENT', attempts: 2 })]);
    const { rows } = await shop.db.pool.query(`SELECT retry_count FROM ${JOB_SCHEMA}.job WHERE name = 'mail-refund' AND data->>'orderId' = $1`, [order.id]);
    expect(rows[0].retry_count).toBe(1);
  });
});

describe('a claim left by a crash', () => {
  test('when a mail was claimed by a worker that died before the SMTP server answered, then the event does not send it again, and the sweep marks it UNKNOWN for staff', async () => {
    const { buyer, order, paymentId } = await paidOrder();
    const key = `payment:${paymentId}:refunded`;
    await shop.db.pool.query(
      `INSERT INTO mails (dedupe_key, kind, recipients, subject, text_body, html_body, delivery, status, claimed_at)
       VALUES ($1, 'refunded', $2, 'Your refund', 'text', '<p>html</p>', 'SMTP', 'SENDING', now() - interval '10 minutes')`,
      [key, buyer.email],
    );

    await recordEvent(shop.db.pool, PAYMENT_REFUNDED, { paymentId, orderId: order.id, amountMinor: order.totalMinor, currency: 'USD' });
    const [state] = await finishedJobsFor('mail-refund', order.id, 1);
    const [sweep] = await jobsFinished(shop.db.pool, await sendJobs(shop.db.pool, 'mails-abandoned-claims'));

    expect([state, sweep]).toEqual(['completed', 'completed']);
    expect(smtp.server.to(buyer.email)).toEqual([]);
    const { rows } = await shop.db.pool.query(`SELECT status, attempts, error FROM mails WHERE dedupe_key = $1`, [key]);
    expect(rows).toEqual([{ status: 'UNKNOWN', attempts: 1, error: expect.stringContaining('check with the recipient') }]);
  });

  test('when a claim is younger than a job’s expiry (its worker may still be sending), then the sweep leaves it SENDING', async () => {
    const { buyer, paymentId } = await paidOrder();
    const key = `payment:${paymentId}:refunded`;
    await shop.db.pool.query(
      `INSERT INTO mails (dedupe_key, kind, recipients, subject, text_body, html_body, delivery, status) VALUES ($1, 'refunded', $2, 's', 't', 'h', 'SMTP', 'SENDING')`,
      [key, buyer.email],
    );

    await jobsFinished(shop.db.pool, await sendJobs(shop.db.pool, 'mails-abandoned-claims'));

    expect((await mailRows(shop.db.pool, key)).map((m) => m.status)).toEqual(['SENDING']);
  });
});

describe('an SMTP server that is down', () => {
  test('when nothing listens at SMTP_URL, then the try fails as surely not sent: the mail is FAILED (claim released) for the retry', async () => {
    const mailer = createMailer({ SMTP_URL: `smtp://127.0.0.1:${await freePort()}`, MAIL_FROM: 'shop@shop.test' });
    const key = `test:down:${Date.now()}`;
    try {
      await expect(
        sendOnce(
          { pool: shop.db.pool, mailer, logger: createLogger('silent') },
          { dedupeKey: key, kind: 'test', to: ['a@shop.test'], subject: 's', text: 't', html: 'h' },
        ),
      ).rejects.toThrow();
    } finally {
      mailer.close();
    }
    expect((await mailRows(shop.db.pool, key)).map((m) => m.status)).toEqual(['FAILED']);
  });
});
