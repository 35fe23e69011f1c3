// Partial refunds (issue 16): staff refund an amount, or lines and units (with restock), through
// POST /api/admin/orders/{id}/refund; refunds together never give back more than was paid, also
// when they race; the order is PARTIALLY_REFUNDED until they reach the whole payment.
import type pg from 'pg';
import { useTestShop } from '../helpers/test-app.js';
import { signedDelivery } from '../helpers/fake-stripe.js';
import { createDeliveredOrder, createPayableOrder, moveOrder, orderState, paymentsOf, refundsOf, type PayableOrder } from '../helpers/payments-fixtures.js';
import { createUser, stockOf } from '../helpers/fixtures.js';
import { taxOn } from '../../src/tax/tax-math.js';

let staff: string;
let staffId: string;

const shop = useTestShop({ fakeStripe: true, fakeSslcommerz: true });
beforeAll(async () => {
  const user = await createUser(shop.db.pool, { role: 'admin' });
  staff = user.token;
  staffId = user.id;
});
afterEach(() => shop.stripe.setTrouble(undefined));

async function payWith(order: PayableOrder, provider: 'stripe' | 'sslcommerz' | 'mock'): Promise<string> {
  const started = await shop.request.post(`/api/orders/${order.orderId}/payments`).set('Authorization', `Bearer ${order.token}`).send({ provider }).expect(201);
  const paymentId: string = started.body.id;
  if (provider === 'stripe') {
    const { payload, header } = signedDelivery(shop.stripe.completed(paymentId));
    await shop.request.post('/api/payments/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(payload).expect(200);
  }
  if (provider === 'sslcommerz') await shop.request.post('/api/payments/sslcommerz/ipn').type('form').send(shop.sslcommerz.paid(paymentId)).expect(200);
  if (provider === 'mock') {
    const page = await shop.request.get(`/mock-gateway/${paymentId}`).expect(200);
    const signature = /name="outcome" value="paid">\s*<input type="hidden" name="signature" value="([0-9a-f]+)"/.exec(page.text)![1];
    await shop.request.post('/api/payments/mock/callback').type('form').send({ paymentId, outcome: 'paid', signature }).expect(303);
  }
  return paymentId;
}

/** 2 units at 12.50 (25.00), paid by Stripe, 3 more on the shelf. */
async function paidOrder(provider: 'stripe' | 'sslcommerz' | 'mock' = 'stripe') {
  const order = await createPayableOrder(shop.db.pool, provider === 'sslcommerz' ? { currency: 'BDT', unitPriceMinor: 50_000 } : {});
  const paymentId = await payWith(order, provider);
  return { order, paymentId, itemId: await itemIdOf(shop.db.pool, order.orderId) };
}

const itemIdOf = async (pool: pg.Pool, orderId: string, sku?: string) =>
  (
    await pool.query<{ id: string }>(`SELECT id FROM order_items WHERE order_id = $1 AND ($2::text IS NULL OR title = $2) ORDER BY title`, [
      orderId,
      sku ?? null,
    ])
  ).rows[0].id;

const refund = (orderId: string, body?: object) => {
  const req = shop.request.post(`/api/admin/orders/${orderId}/refund`).set('Authorization', `Bearer ${staff}`);
  return body ? req.send(body) : req;
};

const stripeRefundsOf = (paymentId: string) => shop.stripe.refunds.filter((r) => r.payment_intent === shop.stripe.sessionFor(paymentId).payment_intent);

/** Everything a refused refund must leave as it was. */
async function refundState(order: PayableOrder, paymentId: string) {
  const { rows } = await shop.db.pool.query(
    `SELECT (SELECT json_agg(json_build_array(id, refunded_quantity, restocked_quantity) ORDER BY id) FROM order_items WHERE order_id = $1) AS items,
            (SELECT count(*)::int FROM audit_log WHERE record_id = $1::text) AS audits,
            (SELECT count(*)::int FROM outbox WHERE payload->>'paymentId' = $2) AS events`,
    [order.orderId, paymentId],
  );
  return {
    ...rows[0],
    order: await orderState(shop.db.pool, order),
    payments: await paymentsOf(shop.db.pool, order.orderId),
    refunds: await refundsOf(shop.db.pool, paymentId),
    gateway: stripeRefundsOf(paymentId).length,
  };
}

async function refundedMinorOf(paymentId: string) {
  const { rows } = await shop.db.pool.query<{ refundedMinor: number }>(`SELECT refunded_minor AS "refundedMinor" FROM payments WHERE id = $1`, [paymentId]);
  return rows[0].refundedMinor;
}

describe('POST /api/admin/orders/{id}/refund with an amount', () => {
  test('when staff refund part of a paid Stripe order, then Stripe refunds that amount, the order is PARTIALLY_REFUNDED and keeps its stock', async () => {
    const { order, paymentId } = await paidOrder();

    const res = await refund(order.orderId, { amountMinor: 1000 }).expect(200);

    expect(stripeRefundsOf(paymentId)).toEqual([
      expect.objectContaining({ amount: 1000, metadata: expect.objectContaining({ refundId: res.body.refund.id }) }),
    ]);
    expect(res.body).toEqual({
      orderId: order.orderId,
      orderStatus: 'PARTIALLY_REFUNDED',
      refundRef: stripeRefundsOf(paymentId)[0].id,
      refund: expect.objectContaining({ status: 'succeeded', amountMinor: 1000, currency: 'USD', lines: [], restock: false, actor: `staff:${staffId}` }),
      payment: expect.objectContaining({ id: paymentId, status: 'SUCCEEDED', amountMinor: 2500, refundedMinor: 1000 }),
    });
    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'PARTIALLY_REFUNDED',
      stock: 3,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
        ['PAID', 'PARTIALLY_REFUNDED'],
      ],
    });
    const { rows: audit } = await shop.db.pool.query(`SELECT action, resource, user_id AS "userId", difference FROM audit_log WHERE record_id = $1`, [
      order.orderId,
    ]);
    expect(audit).toEqual([
      {
        action: 'refund',
        resource: 'Order',
        userId: staffId,
        difference: expect.objectContaining({ refundId: res.body.refund.id, amountMinor: 1000, lines: null }),
      },
    ]);
    const { rows: mails } = await shop.db.pool.query(`SELECT payload FROM outbox WHERE topic = 'payment.refunded' AND payload->>'paymentId' = $1`, [paymentId]);
    expect(mails.map((m) => m.payload)).toEqual([expect.objectContaining({ refundId: res.body.refund.id, amountMinor: 1000, partial: true })]);
  });

  test('when staff then refund the rest (no body), then Stripe refunds what is left and the unshipped order goes through CANCELLED (stock back) to REFUNDED', async () => {
    const { order, paymentId } = await paidOrder();
    await refund(order.orderId, { amountMinor: 1000 }).expect(200);

    const res = await refund(order.orderId).expect(200);

    expect(stripeRefundsOf(paymentId).map((r) => r.amount)).toEqual([1000, 1500]);
    expect(res.body).toMatchObject({ orderStatus: 'REFUNDED', refund: { amountMinor: 1500 }, payment: { status: 'REFUNDED', refundedMinor: 2500 } });
    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'REFUNDED',
      stock: 5,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
        ['PAID', 'PARTIALLY_REFUNDED'],
        ['PARTIALLY_REFUNDED', 'CANCELLED'],
        ['CANCELLED', 'REFUNDED'],
      ],
    });
    const view = await shop.request.get(`/api/admin/orders?customer=${order.userId}`).set('Authorization', `Bearer ${staff}`).expect(200);
    expect(view.body.items[0].status).toBe('REFUNDED');
  });

  test('when an amount is more than the payment has left, then 409 REFUND_EXCEEDS_REMAINING and nothing changes', async () => {
    const { order, paymentId } = await paidOrder();
    await refund(order.orderId, { amountMinor: 2000 }).expect(200);
    const before = await refundState(order, paymentId);

    const res = await refund(order.orderId, { amountMinor: 501 }).expect(409);

    expect(res.body).toMatchObject({ code: 'REFUND_EXCEEDS_REMAINING', requestedMinor: 501, remainingMinor: 500 });
    expect(await refundState(order, paymentId)).toEqual(before);
  });

  test('when the amount is the largest the contract allows, then 409 REFUND_EXCEEDS_REMAINING, not an overflow', async () => {
    const { order, paymentId } = await paidOrder();
    await refund(order.orderId, { amountMinor: 1 }).expect(200);
    const before = await refundState(order, paymentId);

    const res = await refund(order.orderId, { amountMinor: 2_147_483_647 }).expect(409);

    expect(res.body).toMatchObject({ code: 'REFUND_EXCEEDS_REMAINING', remainingMinor: 2499 });
    expect(await refundState(order, paymentId)).toEqual(before);
  });

  test('when ten refunds of 30% each come at once, then exactly three are claimed and made, the rest get 409 REFUND_EXCEEDS_REMAINING', async () => {
    const { order, paymentId } = await paidOrder();

    const answers = await Promise.all(Array.from({ length: 10 }, () => refund(order.orderId, { amountMinor: 750 })));

    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 409, 409, 409, 409, 409, 409, 409]);
    expect(new Set(answers.filter((r) => r.status === 409).map((r) => r.body.code))).toEqual(new Set(['REFUND_EXCEEDS_REMAINING']));
    expect(stripeRefundsOf(paymentId).map((r) => r.amount)).toEqual([750, 750, 750]);
    expect(await refundedMinorOf(paymentId)).toBe(2250);
    expect((await refundsOf(shop.db.pool, paymentId)).map((r) => [r.status, r.amountMinor])).toEqual([
      ['succeeded', 750],
      ['succeeded', 750],
      ['succeeded', 750],
    ]);
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    expect((await orderState(shop.db.pool, order)).status).toBe('PARTIALLY_REFUNDED');
  });

  test('when the payments row is asked to give back more than it holds, then the database refuses it (CHECK)', async () => {
    const { paymentId } = await paidOrder();

    await expect(shop.db.pool.query(`UPDATE payments SET refunded_minor = amount_minor + 1 WHERE id = $1`, [paymentId])).rejects.toThrow(
      /payments_refunded_within_amount/,
    );
  });

  test('when an order held for a risky payment is refunded in part, then 409 NOT_REFUNDABLE (it is refunded whole) and nothing changes', async () => {
    const order = await createPayableOrder(shop.db.pool, { currency: 'BDT', unitPriceMinor: 50_000 });
    const started = await shop.request
      .post(`/api/orders/${order.orderId}/payments`)
      .set('Authorization', `Bearer ${order.token}`)
      .send({ provider: 'sslcommerz' });
    await shop.request
      .post('/api/payments/sslcommerz/ipn')
      .type('form')
      .send(shop.sslcommerz.paid(started.body.id, { riskLevel: '1' }))
      .expect(200);

    const res = await refund(order.orderId, { amountMinor: 1000 }).expect(409);

    expect(res.body.code).toBe('NOT_REFUNDABLE');
    expect((await orderState(shop.db.pool, order)).status).toBe('ON_HOLD');
    expect(await refundsOf(shop.db.pool, started.body.id)).toEqual([]);
  });
});

describe('POST /api/admin/orders/{id}/refund with lines', () => {
  test('when staff refund 1 of 6 discounted glasses with tax on top, then the refund is what that glass was sold at and the order stays PARTIALLY_REFUNDED', async () => {
    // 6 glasses at 10.00, 5.00 off the line, 15% tax on the rest (8.25), shipping 5.00 untaxed
    const order = await createDeliveredOrder(shop.db.pool, {
      currency: 'USD',
      lines: [{ title: 'Glass', unitPriceMinor: 1000, quantity: 6 }],
      shippingMinor: 500,
      taxShipping: false,
    });
    const taxMinor = taxOn(6000 - 500, 150_000, false);
    await shop.db.pool.query(`UPDATE order_items SET discount_minor = 500, tax_minor = $2 WHERE order_id = $1`, [order.orderId, taxMinor]);
    await shop.db.pool.query(
      `UPDATE orders SET discount_code = 'GLASS5', discount_type = 'fixed_amount', discount_minor = 500, tax_minor = $2, total_minor = 6000 - 500 + 500 + $2 WHERE id = $1`,
      [order.orderId, taxMinor],
    );
    const paymentId = await payWith(order, 'stripe');
    const itemId = await itemIdOf(shop.db.pool, order.orderId);

    const first = await refund(order.orderId, { lines: [{ orderItemId: itemId, quantity: 1 }] }).expect(200);
    const second = await refund(order.orderId, { lines: [{ orderItemId: itemId, quantity: 1 }] }).expect(200);
    const rest = await refund(order.orderId, { lines: [{ orderItemId: itemId, quantity: 4 }] }).expect(200);

    // 1000 - 83 + 138, then 1000 - 84 + 137 (cumulative rounding: the line adds up to 6000 - 500 + 825)
    expect([first, second, rest].map((r) => r.body.refund.lines)).toEqual([
      [{ orderItemId: itemId, quantity: 1, amountMinor: 1055 }],
      [{ orderItemId: itemId, quantity: 1, amountMinor: 1053 }],
      [{ orderItemId: itemId, quantity: 4, amountMinor: 6325 - 1055 - 1053 }],
    ]);
    expect(stripeRefundsOf(paymentId).map((r) => r.amount)).toEqual([1055, 1053, 4217]);
    // the shipping is left, refunded by amount
    expect(rest.body).toMatchObject({ orderStatus: 'PARTIALLY_REFUNDED', payment: { amountMinor: 6825, refundedMinor: 6325 } });
    const view = await shop.request.get(`/api/orders/${order.orderId}`).set('Authorization', `Bearer ${order.token}`).expect(200);
    expect(view.body).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedMinor: 6325, items: [{ id: itemId, quantity: 6, refundedQuantity: 6 }] });
    expect(view.body.refunds.map((r: { amountMinor: number }) => r.amountMinor)).toEqual([1055, 1053, 4217]);
    expect(view.body.refunds[0]).not.toHaveProperty('actor');

    await refund(order.orderId, { amountMinor: 500 }).expect(200);

    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'REFUNDED' })]);
    expect((await orderState(shop.db.pool, order)).status).toBe('REFUNDED');
  });

  test('when staff refund a unit of an unshipped order with restock, then it goes back on the shelf once: a later cancel restores only the rest', async () => {
    const { order, itemId } = await paidOrder();

    const res = await refund(order.orderId, { lines: [{ orderItemId: itemId, quantity: 1 }], restock: true }).expect(200);

    expect(res.body).toMatchObject({ orderStatus: 'PARTIALLY_REFUNDED', refund: { amountMinor: 1250, restock: true } });
    expect(await stockOf(shop.db.pool, order)).toBe(4);
    const { rows: ledger } = await shop.db.pool.query(
      `SELECT change, reason, actor, order_id AS "orderId" FROM stock_movements WHERE variant_id = $1 ORDER BY id`,
      [order.variantId],
    );
    expect(ledger.at(-1)).toEqual({ change: 1, reason: 'refund_restock', actor: `staff:${staffId}`, orderId: order.orderId });

    await shop.request.post(`/api/admin/orders/${order.orderId}/cancel`).set('Authorization', `Bearer ${staff}`).send({}).expect(200);

    expect(await orderState(shop.db.pool, order)).toMatchObject({ status: 'REFUNDED', stock: 5 });
  });

  test('when staff refund a unit of a shipped order with restock, then it came back and is on the shelf; without restock it stays out', async () => {
    const { order, itemId } = await paidOrder();
    await moveOrder(shop.db.pool, order.orderId, 'SHIPPED', 'staff:test');

    await refund(order.orderId, { lines: [{ orderItemId: itemId, quantity: 1 }], restock: false }).expect(200);
    expect(await stockOf(shop.db.pool, order)).toBe(3);
    await refund(order.orderId, { lines: [{ orderItemId: itemId, quantity: 1 }], restock: true }).expect(200);

    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'REFUNDED',
      stock: 4,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
        ['PAID', 'SHIPPED'],
        ['SHIPPED', 'PARTIALLY_REFUNDED'],
        ['PARTIALLY_REFUNDED', 'REFUNDED'],
      ],
    });
  });

  test('when more units are asked than sold less those refunded, then 422 REFUND_QUANTITY_EXCEEDED and nothing changes', async () => {
    const { order, paymentId, itemId } = await paidOrder();
    const before = await refundState(order, paymentId);

    const tooMany = await refund(order.orderId, { lines: [{ orderItemId: itemId, quantity: 3 }] }).expect(422);
    expect(tooMany.body).toMatchObject({ code: 'REFUND_QUANTITY_EXCEEDED', orderItemId: itemId, requested: 3, refundable: 2 });
    expect(await refundState(order, paymentId)).toEqual(before);

    await refund(order.orderId, { lines: [{ orderItemId: itemId, quantity: 1 }], restock: true }).expect(200);
    const after = await refundState(order, paymentId);
    const again = await refund(order.orderId, { lines: [{ orderItemId: itemId, quantity: 2 }], restock: true }).expect(422);

    expect(again.body).toMatchObject({ code: 'REFUND_QUANTITY_EXCEEDED', requested: 2, refundable: 1 });
    expect(await refundState(order, paymentId)).toEqual(after);
  });

  test("when a line is not the order's, then 422 REFUND_LINE_UNKNOWN and nothing changes", async () => {
    const { order, paymentId } = await paidOrder();
    const other = await paidOrder();
    const before = await refundState(order, paymentId);

    const res = await refund(order.orderId, { lines: [{ orderItemId: other.itemId, quantity: 1 }] }).expect(422);

    expect(res.body).toMatchObject({ code: 'REFUND_LINE_UNKNOWN', orderItemId: other.itemId });
    expect(await refundState(order, paymentId)).toEqual(before);
  });

  test('when two refunds of the same units race, then one is made and the other gets 422 REFUND_QUANTITY_EXCEEDED', async () => {
    // 2 T-shirts and a mug, with shipping and tax: the T-shirts alone leave money to refund
    const order = await createDeliveredOrder(shop.db.pool, { currency: 'USD' });
    const paymentId = await payWith(order, 'stripe');
    const shirts = await itemIdOf(shop.db.pool, order.orderId, 'T-shirt');

    const answers = await Promise.all([1, 2].map(() => refund(order.orderId, { lines: [{ orderItemId: shirts, quantity: 2 }], restock: true })));

    expect(answers.map((r) => [r.status, r.body.code]).sort()).toEqual([
      [200, undefined],
      [422, 'REFUND_QUANTITY_EXCEEDED'],
    ]);
    expect(stripeRefundsOf(paymentId).map((r) => r.amount)).toEqual([2 * 50_000 + order.lineTaxes[0]]);
    expect(await orderState(shop.db.pool, order)).toMatchObject({ status: 'PARTIALLY_REFUNDED', stock: 5 });
  });

  test.each([
    ['an amount and lines', (itemId: string) => ({ amountMinor: 100, lines: [{ orderItemId: itemId, quantity: 1 }] })],
    ['restock without lines', () => ({ amountMinor: 100, restock: true })],
    ['an amount of 0', () => ({ amountMinor: 0 })],
    ['a fraction of a minor unit', () => ({ amountMinor: 10.5 })],
    ['a line twice', (itemId: string) => ({ lines: [1, 2].map(() => ({ orderItemId: itemId, quantity: 1 })) })],
    ['no lines', () => ({ lines: [] })],
    ['0 units', (itemId: string) => ({ lines: [{ orderItemId: itemId, quantity: 0 }] })],
    ['an unknown field', () => ({ amount: 100 })],
  ])('when the body has %s, then 400 VALIDATION_FAILED and nothing changes', async (_case, body) => {
    const { order, paymentId, itemId } = await paidOrder();
    const before = await refundState(order, paymentId);

    const res = await refund(order.orderId, body(itemId)).expect(400);

    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await refundState(order, paymentId)).toEqual(before);
  });
});

describe('partial refunds at each gateway', () => {
  test('when staff refund part of an SSLCommerz payment twice, then each is its own refund (refund_amount, refund_trans_id)', async () => {
    const { order, paymentId } = await paidOrder('sslcommerz');

    await refund(order.orderId, { amountMinor: 10_000 }).expect(200);
    const res = await refund(order.orderId, { amountMinor: 25_050 }).expect(200);

    const made = shop.sslcommerz.refunds.filter((r) => r.refeId === paymentId);
    expect(made.map((r) => r.amount)).toEqual(['100.00', '250.50']);
    expect(new Set(made.map((r) => r.refundTransId)).size).toBe(2);
    expect(res.body).toMatchObject({ orderStatus: 'PARTIALLY_REFUNDED', refundRef: made[1].refundRefId, payment: { refundedMinor: 35_050 } });
  });

  test("when staff refund part of a mock payment, then the mock refunds it under the refund's own reference", async () => {
    const { order } = await paidOrder('mock');

    const res = await refund(order.orderId, { amountMinor: 100 }).expect(200);

    expect(res.body).toMatchObject({ orderStatus: 'PARTIALLY_REFUNDED', refundRef: `mock_refund_${res.body.refund.id}` });
  });
});

describe("a refund of the rest made in Stripe's dashboard", () => {
  test('when charge.refunded then says the charge is refunded, then the rest is recorded as a refund made at Stripe and the order is REFUNDED', async () => {
    const { order, paymentId } = await paidOrder();
    await refund(order.orderId, { amountMinor: 1000 }).expect(200);
    shop.stripe.refundAtStripe(paymentId);
    const { payload, header } = signedDelivery(shop.stripe.chargeRefunded(paymentId));

    const res = await shop.request.post('/api/payments/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(payload);

    expect(res.body.outcome).toBe('applied');
    expect((await refundsOf(shop.db.pool, paymentId)).map((r) => [r.status, r.amountMinor, r.actor])).toEqual([
      ['succeeded', 1000, `staff:${staffId}`],
      ['succeeded', 1500, 'provider:stripe'],
    ]);
    expect(await refundedMinorOf(paymentId)).toBe(2500);
    expect(await orderState(shop.db.pool, order)).toMatchObject({ status: 'REFUNDED', stock: 5 });
  });
});

describe('a PARTIALLY_REFUNDED order', () => {
  test('when it was not shipped, then staff ship it and deliver it, and a second ship is 409 ILLEGAL_TRANSITION', async () => {
    const { order, itemId } = await paidOrder();
    await refund(order.orderId, { lines: [{ orderItemId: itemId, quantity: 1 }], restock: true }).expect(200);
    const admin = (path: string, body: object) =>
      shop.request.post(`/api/admin/orders/${order.orderId}/${path}`).set('Authorization', `Bearer ${staff}`).send(body);

    await admin('ship', { carrier: 'DHL', trackingNumber: 'T1' }).expect(200);
    expect((await admin('ship', { carrier: 'DHL', trackingNumber: 'T2' }).expect(409)).body.code).toBe('ILLEGAL_TRANSITION');
    await admin('deliver', {}).expect(200);

    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'DELIVERED',
      stock: 4,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
        ['PAID', 'PARTIALLY_REFUNDED'],
        ['PARTIALLY_REFUNDED', 'SHIPPED'],
        ['SHIPPED', 'DELIVERED'],
      ],
    });
  });

  test('when it was shipped, then it cannot be shipped again, but it can be delivered, and refunded in part again', async () => {
    const { order } = await paidOrder();
    await moveOrder(shop.db.pool, order.orderId, 'SHIPPED', 'staff:test');
    await refund(order.orderId, { amountMinor: 500 }).expect(200);
    const admin = (path: string, body: object) =>
      shop.request.post(`/api/admin/orders/${order.orderId}/${path}`).set('Authorization', `Bearer ${staff}`).send(body);

    expect((await admin('ship', { carrier: 'DHL', trackingNumber: 'T2' }).expect(409)).body.code).toBe('ILLEGAL_TRANSITION');
    expect((await admin('cancel', {}).expect(409)).body.code).toBe('ILLEGAL_TRANSITION');
    await admin('deliver', {}).expect(200);
    const res = await refund(order.orderId, { amountMinor: 500 }).expect(200);

    expect(res.body.orderStatus).toBe('PARTIALLY_REFUNDED');
    expect((await orderState(shop.db.pool, order)).history.slice(2)).toEqual([
      ['PAID', 'SHIPPED'],
      ['SHIPPED', 'PARTIALLY_REFUNDED'],
      ['PARTIALLY_REFUNDED', 'DELIVERED'],
      ['DELIVERED', 'PARTIALLY_REFUNDED'],
    ]);
  });
});
