import { tokenFor, uniqueId, useTestShop } from '../helpers/test-app.js';
import { signedDelivery } from '../helpers/fake-stripe.js';
import { createPayableOrder, inboxOf, moveOrder, orderState, paymentsOf, type PayableOrder } from '../helpers/payments-fixtures.js';
import { createUser } from '../helpers/fixtures.js';
import { PAYMENT_REFUNDED, REFUND_CLAIMED } from '../../src/payments/refunds.js';

let staff: string;

const shop = useTestShop({ fakeStripe: true, fakeSslcommerz: true });
beforeAll(async () => {
  staff = await createUser(shop.db.pool, { role: 'admin' }).then((u) => u.token);
});
afterEach(() => shop.stripe.setTrouble(undefined));

async function start(order: PayableOrder, provider: string): Promise<string> {
  const res = await shop.request.post(`/api/orders/${order.orderId}/payments`).set('Authorization', `Bearer ${order.token}`).send({ provider }).expect(201);
  return res.body.id;
}

function deliverStripe(event: object) {
  const { payload, header } = signedDelivery(event);
  return shop.request.post('/api/payments/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(payload).expect(200);
}

/** An order paid through the provider's own callback, as the buyer would pay it. */
async function paidOrder(provider: 'stripe' | 'sslcommerz' | 'mock', options: { risky?: boolean } = {}) {
  const order = await createPayableOrder(shop.db.pool, provider === 'sslcommerz' ? { currency: 'BDT', unitPriceMinor: 50_000 } : {});
  const paymentId = await start(order, provider);
  if (provider === 'stripe') await deliverStripe(shop.stripe.completed(paymentId));
  if (provider === 'sslcommerz')
    await shop.request
      .post('/api/payments/sslcommerz/ipn')
      .type('form')
      .send(shop.sslcommerz.paid(paymentId, { riskLevel: options.risky ? '1' : '0' }))
      .expect(200);
  if (provider === 'mock') {
    const page = await shop.request.get(`/mock-gateway/${paymentId}`).expect(200);
    const signature = /name="outcome" value="paid">\s*<input type="hidden" name="signature" value="([0-9a-f]+)"/.exec(page.text)![1];
    await shop.request.post('/api/payments/mock/callback').type('form').send({ paymentId, outcome: 'paid', signature }).expect(303);
  }
  return { order, paymentId };
}

/** The refund jobs waiting in the outbox for this payment (this shop runs no workers). */
async function refundJobsOf(paymentId: string) {
  const { rows } = await shop.db.pool.query(`SELECT payload FROM outbox WHERE topic = $1 AND payload->>'paymentId' = $2`, [REFUND_CLAIMED, paymentId]);
  return rows.map((r) => r.payload);
}

/** As staff unless another token (or null: signed out) is given. */
const refund = (orderId: string, token: string | null = staff) => {
  const req = shop.request.post(`/api/admin/orders/${orderId}/refund`);
  return token ? req.set('Authorization', `Bearer ${token}`) : req;
};

describe('POST /api/admin/orders/{id}/refund', () => {
  test('when staff refund a paid Stripe order, then Stripe refunds it once, the order is REFUNDED and its stock is back', async () => {
    const { order, paymentId } = await paidOrder('stripe');
    const intent = shop.stripe.sessionFor(paymentId).payment_intent;

    const res = await refund(order.orderId).expect(200);

    const refunds = shop.stripe.refunds.filter((r) => r.payment_intent === intent);
    // keyed by the refund (one per refunds row) and the attempt, and tagged with it for findRefund
    expect(refunds).toEqual([
      expect.objectContaining({
        amount: order.totalMinor,
        idempotencyKey: expect.stringMatching(new RegExp(`^refund-${res.body.refund.id}-\\d+$`)),
        metadata: expect.objectContaining({ refundId: res.body.refund.id, paymentId }),
      }),
    ]);
    expect(res.body).toEqual({
      orderId: order.orderId,
      orderStatus: 'REFUNDED',
      refundRef: refunds[0].id,
      refund: expect.objectContaining({ status: 'succeeded', amountMinor: order.totalMinor, lines: [], providerRefundId: refunds[0].id }),
      payment: expect.objectContaining({ id: paymentId, status: 'REFUNDED', refundedMinor: order.totalMinor }),
    });
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'REFUNDED', refundRef: refunds[0].id })]);
    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'REFUNDED',
      stock: 5,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
        ['PAID', 'CANCELLED'],
        ['CANCELLED', 'REFUNDED'],
      ],
    });
    expect((await inboxOf(shop.db.pool, paymentId)).map((e) => [e.type, e.outcome])).toEqual([
      ['checkout.session.completed', 'applied'],
      ['refund.issued', 'applied'],
    ]);
    const { rows } = await shop.db.pool.query(`SELECT payload FROM outbox WHERE topic = $1 AND payload->>'paymentId' = $2`, [PAYMENT_REFUNDED, paymentId]);
    expect(rows.map((r) => r.payload)).toEqual([
      { paymentId, orderId: order.orderId, refundId: res.body.refund.id, amountMinor: order.totalMinor, currency: 'USD', partial: false },
    ]);
  });

  test('when Stripe then confirms the refund with charge.refunded, then nothing changes again', async () => {
    const { order, paymentId } = await paidOrder('stripe');
    await refund(order.orderId).expect(200);

    const res = await deliverStripe(shop.stripe.chargeRefunded(paymentId));

    expect(res.body.outcome).toBe('ignored');
    expect((await orderState(shop.db.pool, order)).history).toHaveLength(4);
  });

  test('when staff refund a paid SSLCommerz order, then the refund API is called with the bank transaction', async () => {
    const { order, paymentId } = await paidOrder('sslcommerz');
    const [payment] = await paymentsOf(shop.db.pool, order.orderId);

    const res = await refund(order.orderId).expect(200);

    expect(shop.sslcommerz.refunds.filter((r) => r.refeId === paymentId)).toEqual([
      // refund_trans_id (at most 30 characters) is SSLCommerz's key of the refund: the same for every try
      {
        bankTranId: payment.providerRef,
        refeId: paymentId,
        amount: '1000.00',
        refundTransId: expect.stringMatching(/^R[0-9a-f]{29}$/),
        refundRefId: expect.any(String),
      },
    ]);
    expect(res.body.orderStatus).toBe('REFUNDED');
  });

  test('when staff refund a paid mock order, then it is refunded by the mock', async () => {
    const { order } = await paidOrder('mock');

    const res = await refund(order.orderId).expect(200);

    expect(res.body).toMatchObject({ orderStatus: 'REFUNDED', refundRef: `mock_refund_${res.body.refund.id}` });
  });

  test('when staff refund an order held for a risky payment, then it goes through CANCELLED (stock back) to REFUNDED', async () => {
    const { order } = await paidOrder('sslcommerz', { risky: true });

    await refund(order.orderId).expect(200);

    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'REFUNDED',
      stock: 5,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'ON_HOLD'],
        ['ON_HOLD', 'CANCELLED'],
        ['CANCELLED', 'REFUNDED'],
      ],
    });
  });

  test('when the order was shipped, then it is REFUNDED without putting stock back', async () => {
    const { order } = await paidOrder('stripe');
    await moveOrder(shop.db.pool, order.orderId, 'SHIPPED', 'staff:test');

    await refund(order.orderId).expect(200);

    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'REFUNDED',
      stock: 3,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
        ['PAID', 'SHIPPED'],
        ['SHIPPED', 'REFUNDED'],
      ],
    });
  });

  test('when two staff refund the same order at once, then the provider refunds once and the other request gets 409', async () => {
    const { order, paymentId } = await paidOrder('stripe');
    const refundCalls = () => shop.stripe.requests.filter((r) => r === 'POST /v1/refunds').length;
    const before = refundCalls();

    const answers = await Promise.all([refund(order.orderId), refund(order.orderId)]);

    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(answers.find((r) => r.status === 409)!.body.code).toBe('NOT_REFUNDABLE');
    expect(refundCalls() - before).toBe(1);
    expect(shop.stripe.refunds.filter((r) => r.payment_intent === shop.stripe.sessionFor(paymentId).payment_intent)).toHaveLength(1);
    expect((await orderState(shop.db.pool, order)).status).toBe('REFUNDED');
  });

  test('when the order was refunded already, then 409 NOT_REFUNDABLE and the provider is not called', async () => {
    const { order } = await paidOrder('stripe');
    await refund(order.orderId).expect(200);
    const calls = shop.stripe.requests.length;

    const res = await refund(order.orderId).expect(409);

    expect(res.body.code).toBe('NOT_REFUNDABLE');
    expect(shop.stripe.requests.length).toBe(calls);
  });

  test('when the order is not paid, then 409 NOT_REFUNDABLE and nothing changes', async () => {
    const order = await createPayableOrder(shop.db.pool);
    await start(order, 'stripe');

    const res = await refund(order.orderId).expect(409);

    expect(res.body.code).toBe('NOT_REFUNDABLE');
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('PENDING');
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
  });

  test('when Stripe fails the refund, then 502, the refund stays claimed with the reason, and a second request is 409 (the job retries it)', async () => {
    const { order, paymentId } = await paidOrder('stripe');
    shop.stripe.setTrouble('http500');

    const res = await refund(order.orderId).expect(502);

    expect(res.body.code).toBe('GATEWAY_ERROR');
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([
      expect.objectContaining({ status: 'REFUND_PENDING', failureReason: expect.stringMatching(/^refund failed \(attempt 1\)/) }),
    ]);
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
    expect(await refundJobsOf(paymentId)).toEqual([
      { refundId: expect.any(String), paymentId, orderId: order.orderId, actor: expect.stringMatching(/^staff:/), orderFollows: true },
    ]);
    shop.stripe.setTrouble(undefined);
    expect((await refund(order.orderId).expect(409)).body.code).toBe('NOT_REFUNDABLE');
  });

  test('when a customer asks, then 403; signed out, 401; and nothing changes', async () => {
    const { order } = await paidOrder('stripe');

    const customer = await tokenFor(uniqueId('customer'));
    expect((await refund(order.orderId, customer).expect(403)).body.code).toBe('FORBIDDEN');
    await refund(order.orderId, null).expect(401);

    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('SUCCEEDED');
  });

  test('when the order does not exist, then 404; when the id is not a uuid, then 400', async () => {
    await refund('00000000-0000-4000-8000-000000000000').expect(404);
    await refund('nope').expect(400);
  });
});
