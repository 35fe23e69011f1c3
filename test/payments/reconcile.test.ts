// Payments that are never lost: a payment still pending after PAYMENT_RECONCILE_AFTER_SECONDS is
// looked up at its gateway, and what the gateway says goes through the webhook pipeline.
import { useTestShop } from '../helpers/test-app.js';
import { signedDelivery } from '../helpers/fake-stripe.js';
import { jobsFinished, sendJobs } from '../helpers/jobs-fixtures.js';
import { createPayableOrder, inboxOf, moveOrder, orderState, paymentsOf, setStock, STOREFRONT, type PayableOrder } from '../helpers/payments-fixtures.js';
import { RECONCILE_QUEUE } from '../../src/payments/payment-jobs.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';

const shop = useTestShop({ jobs: true, fakeStripe: true, fakeSslcommerz: true, env: { ...STOREFRONT, PAYMENT_RECONCILE_AFTER_SECONDS: '60' } });
afterEach(() => {
  shop.stripe.setTrouble(undefined);
  shop.sslcommerz.setTrouble(undefined);
});

async function start(order: PayableOrder, provider: 'stripe' | 'sslcommerz'): Promise<string> {
  const res = await shop.request.post(`/api/orders/${order.orderId}/payments`).set('Authorization', `Bearer ${order.token}`).send({ provider }).expect(201);
  return res.body.id;
}

/** The payment started this long ago (and was last looked up then, when `lookedUp`). */
async function startedAgo(paymentId: string, seconds: number, lookedUp = false) {
  await shop.db.pool.query(
    `UPDATE payments SET created_at = now() - make_interval(secs => $2), reconciled_at = CASE WHEN $3 THEN now() - make_interval(secs => $2) END WHERE id = $1`,
    [paymentId, seconds, lookedUp],
  );
}

/** One run of the scheduled job, as the cron would start it; answers its result. */
async function reconcile() {
  const ids = await sendJobs(shop.db.pool, RECONCILE_QUEUE);
  expect(await jobsFinished(shop.db.pool, ids)).toEqual(['completed']);
  const { rows } = await shop.db.pool.query(`SELECT output FROM ${JOB_SCHEMA}.job WHERE id = $1`, [ids[0]]);
  return rows[0].output;
}

function deliverStripe(event: object) {
  const { payload, header } = signedDelivery(event);
  return shop.request.post('/api/payments/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(payload).expect(200);
}

const bdtOrder = () => createPayableOrder(shop.db.pool, { currency: 'BDT', unitPriceMinor: 50_000 });

describe('reconciliation of pending payments (payments-reconcile)', () => {
  test('when a buyer paid at Stripe and no webhook came, then the order becomes PAID; the late webhook changes nothing', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await start(order, 'stripe');
    const lateWebhook = shop.stripe.completed(paymentId); // paid at Stripe; its webhook is held back
    await startedAgo(paymentId, 120);

    const result = await reconcile();

    expect(result).toMatchObject({ settled: 1, failed: 0 });
    expect(shop.stripe.requests).toContain(`GET /v1/checkout/sessions/${shop.stripe.sessionFor(paymentId).id}`);
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', providerRef: shop.stripe.sessionFor(paymentId).payment_intent }),
    ]);
    expect((await orderState(shop.db.pool, order)).history).toEqual([
      [null, 'AWAITING_PAYMENT'],
      ['AWAITING_PAYMENT', 'PAID'],
    ]);

    const late = await deliverStripe(lateWebhook);

    expect(late.body.outcome).toBe('ignored');
    expect((await orderState(shop.db.pool, order)).history).toHaveLength(2);
    expect((await inboxOf(shop.db.pool, paymentId)).map((e) => [e.type, e.outcome])).toEqual([
      ['checkout.session.lookup.paid', 'applied'],
      ['checkout.session.completed', 'ignored'],
    ]);
  });

  test('when a buyer paid at SSLCommerz and no IPN came, then the order becomes PAID; the late IPN is a duplicate', async () => {
    const order = await bdtOrder();
    const paymentId = await start(order, 'sslcommerz');
    const lateIpn = shop.sslcommerz.paid(paymentId);
    await startedAgo(paymentId, 120);

    await reconcile();

    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', providerRef: lateIpn.bank_tran_id })]);
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');

    const late = await shop.request.post('/api/payments/sslcommerz/ipn').type('form').send(lateIpn).expect(200);

    expect(late.body.outcome).toBe('duplicate');
    expect(await inboxOf(shop.db.pool, paymentId)).toEqual([
      { provider: 'SSLCOMMERZ', eventId: `val:${lateIpn.val_id}`, type: 'validation.validated', outcome: 'applied' },
    ]);
  });

  test('when the SSLCommerz transaction failed and no IPN came, then the attempt is FAILED and the order still awaits payment', async () => {
    const order = await bdtOrder();
    const paymentId = await start(order, 'sslcommerz');
    shop.sslcommerz.unpaid(paymentId, 'FAILED');
    await startedAgo(paymentId, 120);

    await reconcile();

    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'FAILED' })]);
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
  });

  test('when the order lapsed and its stock is gone, then the payment found by the lookup is refunded automatically', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await start(order, 'stripe');
    await moveOrder(shop.db.pool, order.orderId, 'EXPIRED');
    await setStock(shop.db.pool, order.variantId, 0);
    shop.stripe.completed(paymentId);
    await startedAgo(paymentId, 120);

    await reconcile();

    const intent = shop.stripe.sessionFor(paymentId).payment_intent;
    const refunds = shop.stripe.refunds.filter((r) => r.payment_intent === intent);
    expect(refunds).toHaveLength(1);
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'REFUNDED', refundRef: refunds[0].id })]);
    expect((await orderState(shop.db.pool, order)).status).toBe('EXPIRED');
  });

  test('when the payment started less than PAYMENT_RECONCILE_AFTER_SECONDS ago, then it is not looked up', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await start(order, 'stripe');
    shop.stripe.completed(paymentId);
    const sessionCalls = () => shop.stripe.requests.filter((r) => r.startsWith('GET /v1/checkout/sessions/')).length;
    const before = sessionCalls();

    await reconcile();

    expect(sessionCalls()).toBe(before);
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('PENDING');
  });

  test('when the gateway lookup fails (5xx), then nothing changes and the payment is looked up again later', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await start(order, 'stripe');
    shop.stripe.completed(paymentId);
    await startedAgo(paymentId, 120);
    shop.stripe.setTrouble('http500');

    const result = await reconcile();

    expect(result).toMatchObject({ failed: 1 });
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('PENDING');
    expect(await inboxOf(shop.db.pool, paymentId)).toEqual([]);
    shop.stripe.setTrouble(undefined);
    await reconcile(); // looked up a moment ago: not due yet
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('PENDING');

    await startedAgo(paymentId, 120, true);
    await reconcile();

    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('SUCCEEDED');
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
  });

  test('when SSLCommerz answers with an error page, then nothing changes', async () => {
    const order = await bdtOrder();
    const paymentId = await start(order, 'sslcommerz');
    shop.sslcommerz.paid(paymentId);
    await startedAgo(paymentId, 120);
    shop.sslcommerz.setTrouble('http500');

    const result = await reconcile();

    expect(result).toMatchObject({ failed: 1 });
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('PENDING');
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
  });
});
