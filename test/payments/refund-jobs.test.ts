// Refunds that finish: the job every claim writes retries a failed refund with backoff, settles
// an attempt whose outcome was lost by asking the gateway, and dead-letters one that keeps failing.
import { useTestShop } from '../helpers/test-app.js';
import { signedDelivery } from '../helpers/fake-stripe.js';
import { jobsFinished, sendJobs } from '../helpers/jobs-fixtures.js';
import { createPayableOrder, orderState, paymentsOf, refundsOf, STOREFRONT } from '../helpers/payments-fixtures.js';
import { createUser } from '../helpers/fixtures.js';
import { REFUND_QUEUE } from '../../src/payments/payment-jobs.js';
import { DEAD_LETTERS } from '../../src/jobs/job-engine.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';

// retries 1-2 s, 2-4 s, 4-8 s after a failure: three retries, then the dead letter
const shop = useTestShop({ jobs: true, fakeStripe: true, env: { ...STOREFRONT, REFUND_RETRY_DELAY_SECONDS: '1', REFUND_RETRY_LIMIT: '3' } });
let staff: string;
beforeAll(async () => {
  staff = await createUser(shop.db.pool, { role: 'admin' }).then((u) => u.token);
});
afterEach(() => shop.stripe.failRefunds(0));

async function paidStripeOrder() {
  const order = await createPayableOrder(shop.db.pool);
  const started = await shop.request
    .post(`/api/orders/${order.orderId}/payments`)
    .set('Authorization', `Bearer ${order.token}`)
    .send({ provider: 'stripe' })
    .expect(201);
  const { payload, header } = signedDelivery(shop.stripe.completed(started.body.id));
  await shop.request.post('/api/payments/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(payload).expect(200);
  return { order, paymentId: started.body.id as string, intent: shop.stripe.sessionFor(started.body.id).payment_intent! };
}

const refund = (orderId: string) => shop.request.post(`/api/admin/orders/${orderId}/refund`).set('Authorization', `Bearer ${staff}`);
const refundCalls = () => shop.stripe.requests.filter((r) => r === 'POST /v1/refunds').length;

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const paymentStatus = async (orderId: string) => (await paymentsOf(shop.db.pool, orderId))[0];

async function refundJobs(queue: string, paymentId: string) {
  const { rows } = await shop.db.pool.query<{ id: string; state: string; retryCount: number; data: Record<string, unknown> }>(
    `SELECT id, state::text, retry_count AS "retryCount", data FROM ${JOB_SCHEMA}.job WHERE name = $1 AND data->>'paymentId' = $2 ORDER BY created_on`,
    [queue, paymentId],
  );
  return rows;
}

describe('the refund job (payments-refund)', () => {
  test('when Stripe fails a staff refund twice, then the job retries it and the order ends REFUNDED with no staff action', async () => {
    const { order, paymentId, intent } = await paidStripeOrder();
    shop.stripe.failRefunds(2);

    const res = await refund(order.orderId).expect(502);

    expect(res.body.code).toBe('GATEWAY_ERROR');
    const payment = await until(
      () => paymentStatus(order.orderId),
      (p) => p.status === 'REFUNDED',
    );
    expect(payment).toEqual(expect.objectContaining({ status: 'REFUNDED', failureReason: null }));
    const refunds = shop.stripe.refunds.filter((r) => r.payment_intent === intent);
    expect(refunds).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        idempotencyKey: expect.stringMatching(new RegExp(`^refund-${(await refundsOf(shop.db.pool, paymentId))[0].id}-[2-9]$`)),
      }),
    ]);
    expect(payment.refundRef).toBe(refunds[0].id);
    expect((await orderState(shop.db.pool, order)).status).toBe('REFUNDED');
    expect((await refundJobs(REFUND_QUEUE, paymentId)).map((j) => j.state)).toEqual(['completed']);
  });

  test('when the gateway refunded but the attempt died before recording it, then the job asks Stripe, records that refund and never refunds again', async () => {
    const { order, paymentId, intent } = await paidStripeOrder();
    // a claim whose first attempt reached Stripe (which tagged the refund with its id) and died
    const { rows } = await shop.db.pool.query<{ id: string }>(
      `WITH claimed AS (UPDATE payments SET status = 'REFUND_PENDING', refunded_minor = amount_minor WHERE id = $1 RETURNING id, order_id, amount_minor, currency)
       INSERT INTO refunds (payment_id, order_id, amount_minor, currency, attempts, actor) SELECT id, order_id, amount_minor, currency, 1, 'staff:test' FROM claimed RETURNING id`,
      [paymentId],
    );
    const made = shop.stripe.refundAtStripe(paymentId, { metadata: { refundId: rows[0].id } });
    const before = refundCalls();

    const ids = await sendJobs(shop.db.pool, REFUND_QUEUE, 1, {
      refundId: rows[0].id,
      paymentId,
      orderId: order.orderId,
      actor: 'staff:test',
      orderFollows: true,
    });

    expect(await jobsFinished(shop.db.pool, ids)).toEqual(['completed']);
    expect(refundCalls()).toBe(before);
    expect(shop.stripe.requests).toContain('GET /v1/refunds');
    expect(shop.stripe.refunds.filter((r) => r.payment_intent === intent)).toHaveLength(1);
    expect(await paymentStatus(order.orderId)).toEqual(expect.objectContaining({ status: 'REFUNDED', refundRef: made.id }));
    expect((await orderState(shop.db.pool, order)).status).toBe('REFUNDED');
  });

  test("when a partial refund's attempt reached Stripe but its answer was lost, then the retry finds that refund (not the earlier partial one) and refunds nothing again", async () => {
    const { order, paymentId, intent } = await paidStripeOrder();
    await refund(order.orderId).send({ amountMinor: 1000 }).expect(200);
    shop.stripe.failRefunds(1);
    await refund(order.orderId).send({ amountMinor: 700 }).expect(502);
    const [, lost] = await refundsOf(shop.db.pool, paymentId);
    // what Stripe made of the attempt whose answer never came back
    const made = shop.stripe.refundAtStripe(paymentId, { amount: 700, metadata: { refundId: lost.id } });
    const before = refundCalls();

    const refunds = await until(
      () => refundsOf(shop.db.pool, paymentId),
      (rows) => rows[1].status === 'succeeded',
    );

    expect(refunds.map((r) => [r.status, r.amountMinor])).toEqual([
      ['succeeded', 1000],
      ['succeeded', 700],
    ]);
    expect(refunds[1].providerRefundId).toBe(made.id);
    expect(refundCalls()).toBe(before);
    expect(shop.stripe.refunds.filter((r) => r.payment_intent === intent).map((r) => r.amount)).toEqual([1000, 700]);
    expect(await paymentStatus(order.orderId)).toEqual(expect.objectContaining({ status: 'SUCCEEDED', refundRef: made.id }));
    expect((await orderState(shop.db.pool, order)).status).toBe('PARTIALLY_REFUNDED');
  });

  // the job's data as claims wrote it before refunds had ids (no refundId): the payment's refund
  test('when a job of a refund already recorded runs again, then it changes nothing and calls no gateway', async () => {
    const { order, paymentId } = await paidStripeOrder();
    await refund(order.orderId).expect(200);
    const calls = shop.stripe.requests.length;

    const ids = await sendJobs(shop.db.pool, REFUND_QUEUE, 1, { paymentId, orderId: order.orderId, actor: 'staff:test', orderFollows: true });

    expect(await jobsFinished(shop.db.pool, ids)).toEqual(['completed']);
    expect(shop.stripe.requests.length).toBe(calls);
    expect((await orderState(shop.db.pool, order)).history).toHaveLength(4);
  });

  test('when every retry fails, then the job is dead-lettered, staff see the payment failing, and a retry of the failed job refunds it', async () => {
    const { order, paymentId, intent } = await paidStripeOrder();
    shop.stripe.failRefunds(1000);

    await refund(order.orderId).expect(502);

    const [failed] = await until(
      () => refundJobs(REFUND_QUEUE, paymentId),
      (jobs) => jobs[0]?.state === 'failed',
    );
    expect(failed).toEqual(expect.objectContaining({ state: 'failed', retryCount: 3 }));
    expect(await refundJobs(DEAD_LETTERS, paymentId)).toEqual([expect.objectContaining({ data: failed.data })]);
    expect(await paymentStatus(order.orderId)).toEqual(
      expect.objectContaining({ status: 'REFUND_PENDING', failureReason: expect.stringMatching(/^refund failed \(attempt 5\): Stripe refund/) }),
    );
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');

    shop.stripe.failRefunds(0);
    await shop.jobs.boss.retry(REFUND_QUEUE, failed.id);

    expect(await jobsFinished(shop.db.pool, [failed.id])).toEqual(['completed']);
    expect(await paymentStatus(order.orderId)).toEqual(expect.objectContaining({ status: 'REFUNDED', failureReason: null }));
    expect(shop.stripe.refunds.filter((r) => r.payment_intent === intent)).toHaveLength(1);
    expect((await orderState(shop.db.pool, order)).status).toBe('REFUNDED');
  }, 60_000);
});
