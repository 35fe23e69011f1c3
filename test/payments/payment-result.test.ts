import { loadConfig } from '../../src/config.js';
import { createTestDatabase, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createPayableOrder, orderState, paymentsOf, startMockPayment } from '../helpers/payments-fixtures.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let shop: TestApp;

// No STOREFRONT_*_URL: the buyer comes back to the app's own result page.
beforeAll(async () => {
  database = await createTestDatabase();
  shop = await startTestApp({ databaseUrl: database.url, env: { PUBLIC_BASE_URL: 'http://shop.test' } });
});
afterAll(async () => {
  await shop.close();
  await database.drop();
});

/** Presses a button of the mock gateway's page, as the buyer's browser would; answers where it is sent. */
async function press(paymentId: string, button: 'Pay' | 'Fail' | 'Cancel'): Promise<string> {
  const page = await shop.request.get(`/mock-gateway/${paymentId}`).expect(200);
  const form = [...page.text.matchAll(/<form[^>]*>([\s\S]*?)<\/form>/g)].map(([, body]) => body).find((body) => body.includes(`>${button}</button>`))!;
  const fields = Object.fromEntries([...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map(([, name, value]) => [name, value]));
  const res = await shop.request.post('/api/payments/mock/callback').type('form').send(fields).expect(303);
  return res.headers.location;
}

const field = (html: string, id: string) => new RegExp(`<dd id="${id}">([^<]*)</dd>`).exec(html)?.[1];

describe('GET /payment-result', () => {
  test('when the buyer pays and comes back, then the page shows the order number, SUCCEEDED and PAID', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);

    const location = await press(paymentId, 'Pay');
    expect(location).toBe(`http://shop.test/payment-result?paymentId=${paymentId}`);
    const res = await shop.request
      .get(new URL(location).pathname + new URL(location).search)
      .set('Accept', 'text/html')
      .expect(200);

    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(res.text).toContain('<h1>Payment received</h1>');
    expect([field(res.text, 'order-number'), field(res.text, 'amount'), field(res.text, 'payment-status'), field(res.text, 'order-status')]).toEqual([
      `#${order.orderNumber}`,
      '25.00 USD',
      'SUCCEEDED',
      'PAID',
    ]);
    expect(res.text).not.toContain('<script');
    expect(res.text).not.toContain(order.orderId); // ids and the buyer stay off the page
    expect(res.text).not.toContain(order.userId);
    expect(await orderState(shop.db.pool, order)).toMatchObject({ status: 'PAID' });
  });

  test('when the buyer cancels, then the page shows CANCELLED and the order still awaiting payment', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);

    const location = await press(paymentId, 'Cancel');
    const res = await shop.request.get(`/payment-result?paymentId=${paymentId}`).expect(200);

    expect(location).toBe(`http://shop.test/payment-result?paymentId=${paymentId}`);
    expect([field(res.text, 'payment-status'), field(res.text, 'order-status')]).toEqual(['CANCELLED', 'AWAITING_PAYMENT']);
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ id: paymentId, status: 'CANCELLED' })]);
  });

  test('when the gateway has not confirmed yet, then the page shows PENDING and reloads itself', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);

    const res = await shop.request.get(`/payment-result?paymentId=${paymentId}`).expect(200);

    expect(res.text).toContain('<meta http-equiv="refresh" content="3">');
    expect([field(res.text, 'payment-status'), field(res.text, 'order-status')]).toEqual(['PENDING', 'AWAITING_PAYMENT']);
    expect(await orderState(shop.db.pool, order)).toMatchObject({ status: 'AWAITING_PAYMENT' });
  });

  test.each([
    ['no paymentId', ''],
    ['a paymentId that is not a UUID', '?paymentId=%3Cscript%3E'],
    ['two paymentIds', '?paymentId=00000000-0000-4000-8000-000000000000&paymentId=00000000-0000-4000-8000-000000000001'],
  ])('when the query has %s, then 400 VALIDATION_FAILED problem+json', async (_case, query) => {
    const res = await shop.request.get(`/payment-result${query}`).expect(400);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path: 'paymentId' })] });
    expect(res.text).not.toContain('<script>');
  });

  test('when no payment has the id, then 404 NOT_FOUND problem+json', async () => {
    const res = await shop.request.get('/payment-result?paymentId=7d9f1d39-0a53-4b8e-9d5b-6f3c0b0a2f41').expect(404);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('the public URLs by default', () => {
  test('when PORT is set and PUBLIC_BASE_URL is not, then gateways and buyers are sent to that port', () => {
    const config = loadConfig({ PORT: '4101' });

    expect(config.PUBLIC_BASE_URL).toBe('http://localhost:4101');
    expect([config.STOREFRONT_SUCCESS_URL, config.STOREFRONT_CANCEL_URL, config.STOREFRONT_FAIL_URL]).toEqual(
      Array(3).fill('http://localhost:4101/payment-result'),
    );
  });

  test('when the server is bound (PORT=0 picks a port), then the bound port is used; a specific HOST is kept', () => {
    expect(loadConfig({ PORT: '0' }, { port: 4567 }).PUBLIC_BASE_URL).toBe('http://localhost:4567');
    expect(loadConfig({ PORT: '0', HOST: '127.0.0.1' }, { port: 4567 }).STOREFRONT_FAIL_URL).toBe('http://127.0.0.1:4567/payment-result');
    expect(loadConfig({ HOST: '::1' }, { port: 4567 }).PUBLIC_BASE_URL).toBe('http://[::1]:4567');
  });

  test('when PUBLIC_BASE_URL and a storefront page are set, then they win', () => {
    const config = loadConfig({ PUBLIC_BASE_URL: 'https://shop.example/', STOREFRONT_SUCCESS_URL: 'https://store.example/thanks' }, { port: 4567 });

    expect(config.PUBLIC_BASE_URL).toBe('https://shop.example/');
    expect(config.STOREFRONT_SUCCESS_URL).toBe('https://store.example/thanks');
    expect(config.STOREFRONT_CANCEL_URL).toBe('https://shop.example/payment-result');
  });

  test('when a URL variable is not a URL, then configuration is refused', () => {
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'localhost:3000' })).toThrow(/^Invalid configuration: PUBLIC_BASE_URL: /);
  });
});
