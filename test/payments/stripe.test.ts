import { jest } from '@jest/globals';
import pg from 'pg';
import net from 'node:net';
import { useTestShop, type TestApp, type TestShop } from '../helpers/test-app.js';
import { signedDelivery } from '../helpers/fake-stripe.js';
import {
  countInbox,
  createPayableOrder,
  inboxOf,
  moveOrder,
  orderState,
  paymentsOf,
  refundsOf,
  setStock,
  type PayableOrder,
  STOREFRONT,
} from '../helpers/payments-fixtures.js';

const shop = useTestShop({ fakeStripe: true, env: STOREFRONT });
afterEach(() => shop.stripe.setTrouble(undefined));

function startStripePayment(order: PayableOrder, app: TestApp = shop) {
  return app.request.post(`/api/orders/${order.orderId}/payments`).set('Authorization', `Bearer ${order.token}`).send({ provider: 'stripe' });
}

async function paidOrder(order: PayableOrder) {
  const started = await startStripePayment(order).expect(201);
  await deliver(shop.stripe.completed(started.body.id)).expect(200);
  return started.body.id as string;
}

function deliver(event: object, options: Parameters<typeof signedDelivery>[1] = {}, app: TestApp = shop) {
  const { payload, header } = signedDelivery(event, options);
  return app.request.post('/api/payments/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(payload);
}

describe('POST /api/orders/{id}/payments with Stripe', () => {
  test('when the buyer starts paying, then a Checkout Session is made from the order and its URL is answered', async () => {
    const order = await createPayableOrder(shop.db.pool, { unitPriceMinor: 2500, quantity: 2, expiresInMinutes: 120 });

    const res = await startStripePayment(order).expect(201);

    const session = shop.stripe.sessionFor(res.body.id);
    expect(session.amount_total).toBe(5000);
    expect(res.body).toMatchObject({ status: 'PENDING', provider: 'stripe', amountMinor: 5000, currency: 'USD', redirectUrl: session.url });
    const request = shop.stripe.sessionRequests.find((r) => r.idempotencyKey === `checkout-session-${res.body.id}`)!;
    expect(request.body).toMatchObject({
      mode: 'payment',
      client_reference_id: res.body.id,
      metadata: { orderId: order.orderId, paymentId: res.body.id },
      line_items: [{ quantity: '2', price_data: { currency: 'usd', unit_amount: '2500' } }],
      success_url: `https://store.test/paid?paymentId=${res.body.id}`,
      cancel_url: `https://store.test/cancelled?paymentId=${res.body.id}`,
    });
    const { rows } = await shop.db.pool.query(`SELECT floor(extract(epoch FROM expires_at))::bigint AS at FROM orders WHERE id = $1`, [order.orderId]);
    expect(Number(request.body.expires_at)).toBe(rows[0].at);
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'PENDING', providerRef: session.id })]);
  });

  test("when the order expires sooner than Stripe's 30-minute minimum, then the session gets the minimum and starts", async () => {
    const order = await createPayableOrder(shop.db.pool, { expiresInMinutes: 10 });

    const res = await startStripePayment(order).expect(201);

    expect(shop.stripe.sessionFor(res.body.id).expires_at).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 30 * 60);
  });

  test.each(['http500', 'malformed'] as const)('when Stripe answers %s, then 502 GATEWAY_ERROR and the order can be paid again', async (trouble) => {
    const order = await createPayableOrder(shop.db.pool);
    shop.stripe.setTrouble(trouble);

    const res = await startStripePayment(order).expect(502);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('GATEWAY_ERROR');
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'FAILED' })]);
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
    shop.stripe.setTrouble(undefined);
    expect((await startStripePayment(order).expect(201)).body.status).toBe('PENDING');
  });

  test('when Stripe is slow beyond the timeout, then 502 GATEWAY_ERROR and the order can be paid again', async () => {
    await shop.withAnother({ ...shop.stripe.env, PAYMENT_GATEWAY_TIMEOUT_MS: '300' }, async (impatient) => {
      const order = await createPayableOrder(shop.db.pool);
      shop.stripe.setTrouble('slow');

      const res = await startStripePayment(order, impatient).expect(502);

      expect(res.body.code).toBe('GATEWAY_ERROR');
      expect((await paymentsOf(shop.db.pool, order.orderId)).map((p) => p.status)).toEqual(['FAILED']);
      shop.stripe.setTrouble(undefined);
      await startStripePayment(order, impatient).expect(201);
    });
  });

  test('when Stripe is down (connection refused), then 502 GATEWAY_ERROR and no attempt stays open', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    await shop.withAnother({ ...shop.stripe.env, STRIPE_API_BASE_URL: `http://127.0.0.1:${closedPort}` }, async (cutOff) => {
      const order = await createPayableOrder(shop.db.pool);

      const res = await startStripePayment(order, cutOff).expect(502);

      expect(res.body.code).toBe('GATEWAY_ERROR');
      expect((await paymentsOf(shop.db.pool, order.orderId)).map((p) => p.status)).toEqual(['FAILED']);
      expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
    });
  });
});

describe('POST /api/payments/stripe/webhook', () => {
  test('when checkout.session.completed arrives paid, then the payment SUCCEEDED with the payment intent and the order is PAID', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const started = await startStripePayment(order).expect(201);
    const event = shop.stripe.completed(started.body.id);

    const res = await deliver(event).expect(200);

    expect(res.body).toEqual({ received: true, outcome: 'applied' });
    const intent = shop.stripe.sessionFor(started.body.id).payment_intent;
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', providerRef: intent })]);
    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'PAID',
      stock: 3,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
      ],
    });
    expect(await inboxOf(shop.db.pool, started.body.id)).toEqual([
      { provider: 'STRIPE', eventId: event.id, type: 'checkout.session.completed', outcome: 'applied' },
    ]);
    const polled = await shop.request.get(`/api/payments/${started.body.id}`).set('Authorization', `Bearer ${order.token}`).expect(200);
    expect(polled.body.status).toBe('SUCCEEDED');
  });

  test('when a paid event is applied, then its transaction locks the order row once (the state machine reuses the lock)', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const started = await startStripePayment(order).expect(201);
    const sent = jest.spyOn(pg.Client.prototype, 'query');

    try {
      await deliver(shop.stripe.completed(started.body.id)).expect(200);
      const statements = sent.mock.calls.map(([query]) => (typeof query === 'string' ? query : ((query as { text?: string }).text ?? '')));
      expect(statements.filter((sql) => /FROM orders\b[\s\S]*FOR UPDATE/.test(sql))).toHaveLength(1);
    } finally {
      sent.mockRestore();
    }
    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'PAID',
      stock: 3,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
      ],
    });
  });

  test('when the same event is delivered 5 times at once to two app instances, then one state change and one inbox row', async () => {
    await shop.withAnother(shop.stripe.env, async (other) => {
      const order = await createPayableOrder(shop.db.pool);
      const started = await startStripePayment(order).expect(201);
      const event = shop.stripe.completed(started.body.id);

      const answers = await Promise.all([shop, other, shop, other, shop].map((app) => deliver(event, {}, app)));

      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.map((r) => r.body.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
      expect(await orderState(shop.db.pool, order)).toEqual({
        status: 'PAID',
        stock: 3,
        history: [
          [null, 'AWAITING_PAYMENT'],
          ['AWAITING_PAYMENT', 'PAID'],
        ],
      });
      expect(await inboxOf(shop.db.pool, started.body.id)).toHaveLength(1);
    });
  });

  test('when a delayed method completes unpaid and later succeeds, then the order is PAID only on async_payment_succeeded', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const started = await startStripePayment(order).expect(201);

    const unpaid = await deliver(shop.stripe.completed(started.body.id, { paymentStatus: 'unpaid' })).expect(200);
    expect(unpaid.body.outcome).toBe('unhandled');
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');

    const succeeded = await deliver(shop.stripe.completed(started.body.id, { type: 'checkout.session.async_payment_succeeded' })).expect(200);

    expect(succeeded.body.outcome).toBe('applied');
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
  });

  test('when a delayed method fails, then the attempt is FAILED and the order can be paid with a new attempt', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const started = await startStripePayment(order).expect(201);

    await deliver(shop.stripe.sessionEvent(started.body.id, 'checkout.session.async_payment_failed')).expect(200);

    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('FAILED');
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
    await startStripePayment(order).expect(201);
  });

  test('when the session expires unpaid, then the attempt is EXPIRED and the order still awaits payment', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const started = await startStripePayment(order).expect(201);

    await deliver(shop.stripe.sessionEvent(started.body.id, 'checkout.session.expired', { status: 'expired' })).expect(200);

    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('EXPIRED');
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
  });

  test.each([
    ['a failure', 'checkout.session.async_payment_failed'],
    ['an expiry', 'checkout.session.expired'],
  ])('when %s arrives after the payment, then nothing changes and it is recorded as ignored', async (_, type) => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await paidOrder(order);

    const res = await deliver(shop.stripe.sessionEvent(paymentId, type)).expect(200);

    expect(res.body.outcome).toBe('ignored');
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('SUCCEEDED');
    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'PAID',
      stock: 3,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
      ],
    });
    expect((await inboxOf(shop.db.pool, paymentId)).map((e) => [e.type, e.outcome])).toEqual([
      ['checkout.session.completed', 'applied'],
      [type, 'ignored'],
    ]);
  });

  test.each([['EXPIRED'], ['CANCELLED']] as const)(
    'when the payment arrives after the order was %s and the stock is still there, then the stock is taken again and the order is PAID',
    async (lapsed) => {
      const order = await createPayableOrder(shop.db.pool, { quantity: 2, stockLeft: 3 });
      const started = await startStripePayment(order).expect(201);
      await moveOrder(shop.db.pool, order.orderId, lapsed);
      expect((await orderState(shop.db.pool, order)).stock).toBe(5);

      const res = await deliver(shop.stripe.completed(started.body.id)).expect(200);

      expect(res.body.outcome).toBe('applied');
      expect(await orderState(shop.db.pool, order)).toEqual({
        status: 'PAID',
        stock: 3,
        history: [
          [null, 'AWAITING_PAYMENT'],
          ['AWAITING_PAYMENT', lapsed],
          [lapsed, 'PAID'],
        ],
      });
      expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('SUCCEEDED');
      expect(shop.stripe.refunds.filter((r) => r.payment_intent === shop.stripe.sessionFor(started.body.id).payment_intent)).toEqual([]);
    },
  );

  test('when the payment arrives after the order expired and the stock is gone, then the payment is refunded at Stripe and the order stays EXPIRED', async () => {
    const order = await createPayableOrder(shop.db.pool, { quantity: 2, stockLeft: 3 });
    const started = await startStripePayment(order).expect(201);
    await moveOrder(shop.db.pool, order.orderId, 'EXPIRED');
    await setStock(shop.db.pool, order.variantId, 1);
    const event = shop.stripe.completed(started.body.id);

    const res = await deliver(event).expect(200);

    expect(res.body.outcome).toBe('refund_required');
    const intent = shop.stripe.sessionFor(started.body.id).payment_intent;
    const refunds = shop.stripe.refunds.filter((r) => r.payment_intent === intent);
    expect(refunds).toEqual([
      expect.objectContaining({
        amount: order.totalMinor,
        idempotencyKey: expect.stringMatching(new RegExp(`^refund-${(await refundsOf(shop.db.pool, started.body.id))[0].id}-\\d+$`)),
      }),
    ]);
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([
      expect.objectContaining({ status: 'REFUNDED', refundRef: refunds[0].id, failureReason: null }),
    ]);
    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'EXPIRED',
      stock: 1,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'EXPIRED'],
      ],
    });
    expect((await inboxOf(shop.db.pool, started.body.id)).map((e) => [e.type, e.outcome])).toEqual([
      ['checkout.session.completed', 'refund_required'],
      ['refund.issued', 'applied'],
    ]);
  });

  test('when the refund of a late payment fails at Stripe, then the payment stays REFUND_PENDING with the reason, for staff', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const started = await startStripePayment(order).expect(201);
    await moveOrder(shop.db.pool, order.orderId, 'EXPIRED');
    await setStock(shop.db.pool, order.variantId, 0);
    const event = shop.stripe.completed(started.body.id);
    shop.stripe.setTrouble('http500');

    const res = await deliver(event).expect(200);

    expect(res.body.outcome).toBe('refund_required');
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([
      expect.objectContaining({ status: 'REFUND_PENDING', failureReason: expect.stringMatching(/^refund failed/) }),
    ]);
  });

  test('when a second attempt is paid after the first one paid the order, then the second is refunded', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const first = await startStripePayment(order).expect(201);
    const second = await startStripePayment(order).expect(201);
    await deliver(shop.stripe.completed(second.body.id)).expect(200);

    const res = await deliver(shop.stripe.completed(first.body.id)).expect(200);

    expect(res.body.outcome).toBe('refund_required');
    expect((await paymentsOf(shop.db.pool, order.orderId)).map((p) => [p.id, p.status])).toEqual([
      [first.body.id, 'REFUNDED'],
      [second.body.id, 'SUCCEEDED'],
    ]);
    expect((await orderState(shop.db.pool, order)).history).toEqual([
      [null, 'AWAITING_PAYMENT'],
      ['AWAITING_PAYMENT', 'PAID'],
    ]);
  });

  test('when a replaced attempt is paid while a newer one is open, then the order is PAID and the newer attempt is closed', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const replaced = await startStripePayment(order).expect(201);
    const newer = await startStripePayment(order).expect(201);

    const res = await deliver(shop.stripe.completed(replaced.body.id)).expect(200);

    expect(res.body.outcome).toBe('applied');
    expect((await paymentsOf(shop.db.pool, order.orderId)).map((p) => [p.id, p.status])).toEqual([
      [replaced.body.id, 'SUCCEEDED'],
      [newer.body.id, 'CANCELLED'],
    ]);
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
  });

  test('when charge.refunded arrives for a paid order (refunded in the Stripe dashboard), then the payment and the order are REFUNDED and the stock is back', async () => {
    const order = await createPayableOrder(shop.db.pool, { quantity: 2, stockLeft: 3 });
    const paymentId = await paidOrder(order);

    const res = await deliver(shop.stripe.chargeRefunded(paymentId)).expect(200);

    expect(res.body.outcome).toBe('applied');
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('REFUNDED');
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
  });

  test('when an event type the shop does not need arrives, then 200 at once and nothing is recorded', async () => {
    const before = await countInbox(shop.db.pool);

    const res = await deliver({ id: 'evt_other_1', object: 'event', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } }).expect(
      200,
    );

    expect(res.body).toEqual({ received: true, outcome: 'unhandled' });
    expect(await countInbox(shop.db.pool)).toBe(before);
  });

  test('when a session event names a payment that is not ours, then it is recorded as ignored', async () => {
    const event = {
      id: 'evt_foreign_1',
      object: 'event',
      type: 'checkout.session.completed',
      data: {
        object: {
          id: 'cs_x',
          object: 'checkout.session',
          payment_status: 'paid',
          amount_total: 100,
          currency: 'usd',
          metadata: { paymentId: '00000000-0000-4000-8000-000000000000' },
        },
      },
    };

    const res = await deliver(event).expect(200);

    expect(res.body.outcome).toBe('ignored');
    const { rows } = await shop.db.pool.query(`SELECT payment_id, outcome FROM payment_events WHERE provider_event_id = 'evt_foreign_1'`);
    expect(rows).toEqual([{ payment_id: null, outcome: 'ignored' }]);
  });

  describe('refused deliveries change nothing', () => {
    let order: PayableOrder;
    let paymentId: string;
    let event: ReturnType<TestShop['stripe']['completed']>;
    beforeEach(async () => {
      order = await createPayableOrder(shop.db.pool);
      paymentId = (await startStripePayment(order).expect(201)).body.id;
      event = shop.stripe.completed(paymentId);
    });

    async function expectNothingChanged(inboxBefore: number) {
      expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('PENDING');
      expect(await orderState(shop.db.pool, order)).toEqual({ status: 'AWAITING_PAYMENT', stock: 3, history: [[null, 'AWAITING_PAYMENT']] });
      expect(await countInbox(shop.db.pool)).toBe(inboxBefore);
    }

    test.each([
      [
        'the body was changed after signing',
        () => {
          const { payload, header } = signedDelivery(event);
          return { payload: payload.replace('"payment_status":"paid"', '"payment_status":"paid" '), header };
        },
      ],
      ['the signature is 10 minutes old', () => signedDelivery(event, { timestamp: Math.floor(Date.now() / 1000) - 600 })],
      ['it was signed with another webhook secret', () => signedDelivery(event, { secret: 'whsec_someone_else' })],
      ['the signature header is missing', () => ({ payload: JSON.stringify(event), header: undefined })],
    ])('when %s, then 400 INVALID_SIGNATURE', async (_, delivery) => {
      const before = await countInbox(shop.db.pool);
      const { payload, header } = delivery();

      const req = shop.request.post('/api/payments/stripe/webhook').set('Content-Type', 'application/json');
      const res = await (header ? req.set('Stripe-Signature', header) : req).send(payload).expect(400);

      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('INVALID_SIGNATURE');
      await expectNothingChanged(before);
    });

    test.each([
      ['another amount', { amount_total: 1 }],
      ['another currency', { currency: 'eur' }],
    ])('when the signed event reports %s than the payment, then 422 PAYMENT_MISMATCH', async (_, changes) => {
      const before = await countInbox(shop.db.pool);
      Object.assign(event.data.object, changes);

      const res = await deliver(event).expect(422);

      expect(res.body.code).toBe('PAYMENT_MISMATCH');
      await expectNothingChanged(before);
    });
  });

  test('when Stripe is not configured, then the webhook answers 422 PROVIDER_NOT_ENABLED', async () => {
    await shop.withAnother({}, async (unconfigured) => {
      const res = await deliver({ id: 'evt_1', type: 'checkout.session.completed', data: { object: {} } }, {}, unconfigured).expect(422);
      expect(res.body.code).toBe('PROVIDER_NOT_ENABLED');
    });
  });
});
