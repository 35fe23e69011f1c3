import { tokenFor, uniqueId, useTestShop } from '../helpers/test-app.js';
import { createPayableOrder, moveOrder, orderState, paymentsOf } from '../helpers/payments-fixtures.js';
import { loadConfig } from '../../src/config.js';
import { configuredProviders } from '../../src/payments/providers/registry.js';

const shop = useTestShop({ env: { PUBLIC_BASE_URL: 'http://shop.test' } });

const start = (orderId: string, token: string, body: unknown = { provider: 'mock' }) =>
  shop.request
    .post(`/api/orders/${orderId}/payments`)
    .set('Authorization', `Bearer ${token}`)
    .send(body as object);

describe('GET /api/payments/providers', () => {
  test('when only mock payments are configured, then only mock is offered, to anyone', async () => {
    const res = await shop.request.get('/api/payments/providers').expect(200);
    expect(res.body).toEqual({ providers: [{ id: 'mock', label: expect.any(String) }] });
  });

  test('when Stripe and SSLCommerz keys are set and mock payments are off, then those two are offered', async () => {
    const env = {
      MOCK_PAYMENTS: 'off',
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      SSLCOMMERZ_STORE_ID: 'store',
      SSLCOMMERZ_STORE_PASSWORD: 'pw',
    };
    await shop.withAnother(env, async (configured) => {
      const res = await configured.request.get('/api/payments/providers').expect(200);
      expect(res.body.providers.map((p: { id: string }) => p.id)).toEqual(['stripe', 'sslcommerz']);
    });
  });

  test('when running in production, then mock payments are off unless turned on, and on they need their own secret', () => {
    const production = (env: Record<string, string>) => configuredProviders(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(48), ...env }));

    expect(production({}).enabled).toEqual([]);
    expect(() => production({ MOCK_PAYMENTS: 'on' })).toThrow(/MOCK_PAYMENTS_SECRET/);
    expect(production({ MOCK_PAYMENTS: 'on', MOCK_PAYMENTS_SECRET: 'a-real-secret' }).enabled.map((p) => p.id)).toEqual(['mock']);
  });
});

describe('POST /api/orders/{id}/payments', () => {
  test('when the buyer starts paying an order awaiting payment, then 201 with a PENDING attempt for the order total and the gateway URL', async () => {
    const order = await createPayableOrder(shop.db.pool, { unitPriceMinor: 1999, quantity: 3 });

    const res = await start(order.orderId, order.token).expect(201);

    expect(res.body).toEqual({
      id: expect.any(String),
      orderId: order.orderId,
      status: 'PENDING',
      provider: 'mock',
      amountMinor: 5997,
      refundedMinor: 0,
      currency: 'USD',
      redirectUrl: `http://shop.test/mock-gateway/${res.body.id}`,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(res.headers.location).toBe(`/api/payments/${res.body.id}`);
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([
      expect.objectContaining({ id: res.body.id, provider: 'MOCK', status: 'PENDING', amountMinor: 5997, currency: 'USD', providerRef: `mock_${res.body.id}` }),
    ]);
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
  });

  test('when the request names an amount or currency, then they are ignored: the order decides', async () => {
    const order = await createPayableOrder(shop.db.pool, { unitPriceMinor: 500, quantity: 1 });

    const res = await start(order.orderId, order.token, { provider: 'mock', amountMinor: 1, currency: 'EUR' }).expect(201);

    expect(res.body).toMatchObject({ amountMinor: 500, currency: 'USD' });
  });

  test('when an attempt is open and the buyer starts another, then the first is CANCELLED and only the new one is PENDING', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const first = await start(order.orderId, order.token).expect(201);

    const second = await start(order.orderId, order.token).expect(201);

    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([
      expect.objectContaining({ id: first.body.id, status: 'CANCELLED' }),
      expect.objectContaining({ id: second.body.id, status: 'PENDING' }),
    ]);
  });

  test('when the buyer starts 8 attempts at once, then exactly one stays PENDING', async () => {
    const order = await createPayableOrder(shop.db.pool);

    const answers = await Promise.all(Array.from({ length: 8 }, () => start(order.orderId, order.token)));

    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(201));
    const payments = await paymentsOf(shop.db.pool, order.orderId);
    expect(payments).toHaveLength(8);
    expect(payments.filter((p) => p.status === 'PENDING')).toHaveLength(1);
  });

  test('when the previous attempt failed, then the buyer can start a new one', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const first = await start(order.orderId, order.token).expect(201);
    await shop.db.pool.query(`UPDATE payments SET status = 'FAILED' WHERE id = $1`, [first.body.id]);

    const second = await start(order.orderId, order.token).expect(201);

    expect(second.body.status).toBe('PENDING');
    expect((await paymentsOf(shop.db.pool, order.orderId)).map((p) => p.status)).toEqual(['FAILED', 'PENDING']);
  });

  test('when the order belongs to another user, then 404 and no attempt is made', async () => {
    const order = await createPayableOrder(shop.db.pool);

    const res = await start(order.orderId, await tokenFor(uniqueId('stranger'))).expect(404);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([]);
  });

  test('when the caller is signed out, then 401 and no attempt is made', async () => {
    const order = await createPayableOrder(shop.db.pool);

    await shop.request.post(`/api/orders/${order.orderId}/payments`).send({ provider: 'mock' }).expect(401);

    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([]);
  });

  test.each([
    ['an unknown provider', { provider: 'paypal' }],
    ['no provider', {}],
  ])('when the body names %s, then 400 naming the field and no attempt is made', async (_, body) => {
    const order = await createPayableOrder(shop.db.pool);

    const res = await start(order.orderId, order.token, body).expect(400);

    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'provider' })]);
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([]);
  });

  test('when the provider is not enabled, then 422 PROVIDER_NOT_ENABLED and no attempt is made', async () => {
    const order = await createPayableOrder(shop.db.pool);

    const res = await start(order.orderId, order.token, { provider: 'stripe' }).expect(422);

    expect(res.body.code).toBe('PROVIDER_NOT_ENABLED');
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([]);
  });

  test('when the order id is not a uuid, then 400', async () => {
    const order = await createPayableOrder(shop.db.pool);

    const res = await start('not-a-uuid', order.token).expect(400);

    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  test.each([
    ['expired', 'EXPIRED'],
    ['cancelled', 'CANCELLED'],
  ] as const)('when the order is %s, then 409 ORDER_NOT_PAYABLE and no attempt is made', async (_, status) => {
    const order = await createPayableOrder(shop.db.pool);
    await moveOrder(shop.db.pool, order.orderId, status);

    const res = await start(order.orderId, order.token).expect(409);

    expect(res.body).toMatchObject({ code: 'ORDER_NOT_PAYABLE', orderStatus: status });
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([]);
  });

  test('when the order is past its expiry but the expiry job has not run yet, then 409 ORDER_NOT_PAYABLE', async () => {
    const order = await createPayableOrder(shop.db.pool, { expiresInMinutes: -1 });

    const res = await start(order.orderId, order.token).expect(409);

    expect(res.body).toMatchObject({ code: 'ORDER_NOT_PAYABLE', orderStatus: 'EXPIRED' });
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([]);
  });
});

describe('GET /api/payments/{id}', () => {
  test('when the buyer asks for their payment, then 200 with its status', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const started = await start(order.orderId, order.token).expect(201);

    const res = await shop.request.get(`/api/payments/${started.body.id}`).set('Authorization', `Bearer ${order.token}`).expect(200);

    expect(res.body).toEqual(started.body);
  });

  test('when another user asks for the payment, then 404', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const started = await start(order.orderId, order.token).expect(201);

    const res = await shop.request
      .get(`/api/payments/${started.body.id}`)
      .set('Authorization', `Bearer ${await tokenFor(uniqueId('stranger'))}`)
      .expect(404);

    expect(res.body.code).toBe('NOT_FOUND');
  });

  test('when signed out, then 401', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const started = await start(order.orderId, order.token).expect(201);

    await shop.request.get(`/api/payments/${started.body.id}`).expect(401);
  });
});
