import { randomUUID } from 'node:crypto';
import { useTestShop, type TestApp } from '../helpers/test-app.js';
import { signIpn } from '../helpers/fake-sslcommerz.js';
import {
  countInbox,
  createPayableOrder,
  inboxOf,
  moveOrder,
  orderState,
  paymentsOf,
  setStock,
  type PayableOrder,
  STOREFRONT,
} from '../helpers/payments-fixtures.js';

const shop = useTestShop({ fakeSslcommerz: true, env: { ...STOREFRONT, PUBLIC_BASE_URL: 'http://shop.test' } });
afterEach(() => shop.sslcommerz.setTrouble(undefined));

/** 2 x 500.00 BDT */
const bdtOrder = (options: Parameters<typeof createPayableOrder>[1] = {}) =>
  createPayableOrder(shop.db.pool, { currency: 'BDT', unitPriceMinor: 50_000, quantity: 2, ...options });

function startSslcommerzPayment(order: PayableOrder, app: TestApp = shop) {
  return app.request.post(`/api/orders/${order.orderId}/payments`).set('Authorization', `Bearer ${order.token}`).send({ provider: 'sslcommerz' });
}

const notify = (fields: Record<string, string>, app: TestApp = shop) => app.request.post('/api/payments/sslcommerz/ipn').type('form').send(fields);
const browserReturn = (outcome: string, fields: Record<string, string>) =>
  shop.request.post(`/api/payments/sslcommerz/return/${outcome}`).type('form').send(fields);

describe('POST /api/orders/{id}/payments with SSLCommerz', () => {
  test('when the buyer starts paying, then a session is made with our payment id, the order amount and our URLs', async () => {
    const order = await bdtOrder();

    const res = await startSslcommerzPayment(order).expect(201);

    const session = shop.sslcommerz.transactions.get(res.body.id)!;
    expect(session).toEqual({
      tranId: res.body.id,
      amount: '1000.00',
      currency: 'BDT',
      sessionkey: expect.any(String),
      ipnUrl: 'http://shop.test/api/payments/sslcommerz/ipn',
      valueA: order.orderId,
    });
    expect(res.body).toMatchObject({
      status: 'PENDING',
      provider: 'sslcommerz',
      amountMinor: 100_000,
      currency: 'BDT',
      redirectUrl: `https://sandbox.sslcommerz.test/EasyCheckOut/${session.sessionkey}`,
    });
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'PENDING', providerRef: session.sessionkey })]);
  });

  test.each([
    ['a 500 error page', 'http500'],
    ['a malformed answer', 'malformed'],
    ['status FAILED', 'failed'],
  ] as const)('when SSLCommerz answers with %s, then 502 GATEWAY_ERROR and the order can be paid again', async (_, trouble) => {
    const order = await bdtOrder();
    shop.sslcommerz.setTrouble(trouble);

    const res = await startSslcommerzPayment(order).expect(502);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('GATEWAY_ERROR');
    expect(res.text).not.toContain(shop.sslcommerz.env.SSLCOMMERZ_STORE_PASSWORD);
    expect((await paymentsOf(shop.db.pool, order.orderId)).map((p) => p.status)).toEqual(['FAILED']);
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
    shop.sslcommerz.setTrouble(undefined);
    await startSslcommerzPayment(order).expect(201);
  });

  test('when SSLCommerz is slow beyond the timeout, then 502 GATEWAY_ERROR and the order can be paid again', async () => {
    await shop.withAnother({ ...shop.sslcommerz.env, PAYMENT_GATEWAY_TIMEOUT_MS: '300' }, async (impatient) => {
      const order = await bdtOrder();
      shop.sslcommerz.setTrouble('slow');

      const res = await startSslcommerzPayment(order, impatient).expect(502);

      expect(res.body.code).toBe('GATEWAY_ERROR');
      expect((await paymentsOf(shop.db.pool, order.orderId)).map((p) => p.status)).toEqual(['FAILED']);
      shop.sslcommerz.setTrouble(undefined);
      await startSslcommerzPayment(order, impatient).expect(201);
    });
  });
});

describe('POST /api/payments/sslcommerz/ipn', () => {
  test('when a VALID IPN arrives and the validation API confirms it, then the payment SUCCEEDED and the order is PAID', async () => {
    const order = await bdtOrder();
    const paymentId = (await startSslcommerzPayment(order).expect(201)).body.id;
    const ipn = shop.sslcommerz.paid(paymentId);

    const res = await notify(ipn).expect(200);

    expect(res.body).toEqual({ received: true, outcome: 'applied' });
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', providerRef: ipn.bank_tran_id })]);
    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'PAID',
      stock: 3,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
      ],
    });
    expect(await inboxOf(shop.db.pool, paymentId)).toEqual([
      { provider: 'SSLCOMMERZ', eventId: `val:${ipn.val_id}`, type: 'validation.valid', outcome: 'applied' },
    ]);
    const { rows } = await shop.db.pool.query(`SELECT payload::text AS text FROM payment_events WHERE payment_id = $1`, [paymentId]);
    expect(rows[0].text).not.toMatch(/card_no|432149|verify_sign/);
  });

  test('when the validation API rates the payment risky (risk_level 1), then the order is ON_HOLD for staff instead of PAID', async () => {
    const order = await bdtOrder();
    const paymentId = (await startSslcommerzPayment(order).expect(201)).body.id;

    await notify(shop.sslcommerz.paid(paymentId, { riskLevel: '1' })).expect(200);

    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('SUCCEEDED');
    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'ON_HOLD',
      stock: 3,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'ON_HOLD'],
      ],
    });
  });

  test('when the same IPN is delivered 5 times at once to two app instances, then one state change and one inbox row', async () => {
    await shop.withAnother({ ...shop.sslcommerz.env }, async (other) => {
      const order = await bdtOrder();
      const paymentId = (await startSslcommerzPayment(order).expect(201)).body.id;
      const ipn = shop.sslcommerz.paid(paymentId);

      const answers = await Promise.all([shop, other, shop, other, shop].map((app) => notify(ipn, app)));

      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.map((r) => r.body.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
      expect((await orderState(shop.db.pool, order)).history).toEqual([
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
      ]);
      expect(await inboxOf(shop.db.pool, paymentId)).toHaveLength(1);
    });
  });

  test('when a FAILED IPN arrives, then the attempt is FAILED and the order can be paid with a new attempt', async () => {
    const order = await bdtOrder();
    const paymentId = (await startSslcommerzPayment(order).expect(201)).body.id;

    await notify(shop.sslcommerz.unpaid(paymentId, 'FAILED')).expect(200);

    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('FAILED');
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
    await startSslcommerzPayment(order).expect(201);
  });

  test('when a FAILED IPN arrives after the payment, then nothing changes and it is recorded as ignored', async () => {
    const order = await bdtOrder();
    const paymentId = (await startSslcommerzPayment(order).expect(201)).body.id;
    await notify(shop.sslcommerz.paid(paymentId)).expect(200);

    const res = await notify(shop.sslcommerz.unpaid(paymentId, 'FAILED')).expect(200);

    expect(res.body.outcome).toBe('ignored');
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('SUCCEEDED');
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
  });

  test('when the payment arrives after the order expired and the stock is gone, then it is refunded through SSLCommerz', async () => {
    const order = await bdtOrder();
    const paymentId = (await startSslcommerzPayment(order).expect(201)).body.id;
    await moveOrder(shop.db.pool, order.orderId, 'EXPIRED');
    await setStock(shop.db.pool, order.variantId, 0);
    const ipn = shop.sslcommerz.paid(paymentId);

    const res = await notify(ipn).expect(200);

    expect(res.body.outcome).toBe('refund_required');
    expect(shop.sslcommerz.refunds.filter((r) => r.refeId === paymentId)).toEqual([
      {
        bankTranId: ipn.bank_tran_id,
        refeId: paymentId,
        amount: '1000.00',
        refundTransId: expect.stringMatching(/^R[0-9a-f]{29}$/),
        refundRefId: expect.any(String),
      },
    ]);
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'REFUNDED', refundRef: expect.stringMatching(/^RF/) })]);
    expect((await orderState(shop.db.pool, order)).status).toBe('EXPIRED');
  });

  describe('refused notifications change nothing', () => {
    let order: PayableOrder;
    let paymentId: string;
    beforeEach(async () => {
      order = await bdtOrder();
      paymentId = (await startSslcommerzPayment(order).expect(201)).body.id;
    });

    async function expectNothingChanged(inboxBefore: number) {
      expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('PENDING');
      expect(await orderState(shop.db.pool, order)).toEqual({ status: 'AWAITING_PAYMENT', stock: 3, history: [[null, 'AWAITING_PAYMENT']] });
      expect(await countInbox(shop.db.pool)).toBe(inboxBefore);
    }

    test.each([
      ['a signed field was changed', (ipn: Record<string, string>) => ({ ...ipn, amount: '1.00' })],
      [
        'verify_sign was made with another store password',
        (ipn: Record<string, string>) => {
          const { verify_sign: _, verify_key: __, ...fields } = ipn;
          return signIpn(fields, 'not-the-password');
        },
      ],
      [
        'tran_id is not among the signed fields',
        (ipn: Record<string, string>) => {
          const { verify_sign: _, verify_key: __, tran_id, ...fields } = ipn;
          return { ...signIpn(fields), tran_id };
        },
      ],
      ['verify_sign is missing', ({ verify_sign: _, ...ipn }: Record<string, string>) => ipn],
    ])('when %s, then 400 INVALID_SIGNATURE', async (_, tamper) => {
      const before = await countInbox(shop.db.pool);

      const res = await notify(tamper(shop.sslcommerz.paid(paymentId))).expect(400);

      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('INVALID_SIGNATURE');
      await expectNothingChanged(before);
    });

    test.each([
      ['another amount', { amount: '10.00', currency_amount: '10.00' }, 'PAYMENT_MISMATCH'],
      ['another currency', { currency: 'USD', currency_type: 'USD' }, 'PAYMENT_MISMATCH'],
      ['another tran_id', { tran_id: randomUUID() }, 'PAYMENT_NOT_VERIFIED'],
      ['status INVALID_TRANSACTION', { status: 'INVALID_TRANSACTION' }, 'PAYMENT_NOT_VERIFIED'],
    ])('when the validation API answers with %s, then 422 and nothing changes', async (_, validation, code) => {
      const before = await countInbox(shop.db.pool);

      const res = await notify(shop.sslcommerz.paid(paymentId, { validation })).expect(422);

      expect(res.body.code).toBe(code);
      await expectNothingChanged(before);
    });

    test('when the validation API cannot be reached, then 502 (SSLCommerz retries) and nothing changes', async () => {
      const before = await countInbox(shop.db.pool);
      const ipn = shop.sslcommerz.paid(paymentId);
      shop.sslcommerz.setTrouble('http500');

      const res = await notify(ipn).expect(502);

      expect(res.body.code).toBe('GATEWAY_ERROR');
      await expectNothingChanged(before);
    });
  });
});

describe('POST /api/payments/sslcommerz/return/{outcome}', () => {
  test('when the buyer comes back on success before the IPN, then the same validation records the payment and the IPN is a duplicate', async () => {
    const order = await bdtOrder();
    const paymentId = (await startSslcommerzPayment(order).expect(201)).body.id;
    const ipn = shop.sslcommerz.paid(paymentId);

    const res = await browserReturn('success', ipn).expect(303);

    expect(res.headers.location).toBe(`https://store.test/paid?paymentId=${paymentId}`);
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
    expect((await notify(ipn).expect(200)).body.outcome).toBe('duplicate');
    expect(await inboxOf(shop.db.pool, paymentId)).toHaveLength(1);
  });

  test('when a success return carries a bad signature, then the buyer is sent on but nothing is marked paid', async () => {
    const order = await bdtOrder();
    const paymentId = (await startSslcommerzPayment(order).expect(201)).body.id;
    const before = await countInbox(shop.db.pool);

    const res = await browserReturn('success', { ...shop.sslcommerz.paid(paymentId), verify_sign: '0'.repeat(32) }).expect(303);

    expect(res.headers.location).toBe(`https://store.test/paid?paymentId=${paymentId}`);
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('PENDING');
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
    expect(await countInbox(shop.db.pool)).toBe(before);
  });

  test.each([
    ['fail', 'FAILED', 'https://store.test/failed'],
    ['cancel', 'CANCELLED', 'https://store.test/cancelled'],
  ])('when the buyer comes back on %s, then the browser goes to the storefront and nothing changes by itself', async (outcome, status, landing) => {
    const order = await bdtOrder();
    const paymentId = (await startSslcommerzPayment(order).expect(201)).body.id;

    const res = await browserReturn(outcome, shop.sslcommerz.unpaid(paymentId, status)).expect(303);

    expect(res.headers.location).toBe(`${landing}?paymentId=${paymentId}`);
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('PENDING');
  });

  test('when the outcome is not one SSLCommerz uses, then 400', async () => {
    const res = await browserReturn('maybe', {}).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});
