import { useTestShop } from '../helpers/test-app.js';
import { countInbox, createPayableOrder, inboxOf, orderState, paymentsOf, STOREFRONT, startMockPayment } from '../helpers/payments-fixtures.js';
import { mockGatewayForms } from '../../src/payments/mock-gateway-page.js';

const shop = useTestShop({ env: STOREFRONT });

/** The page as a browser loads it: a document request, no session cookie. */
const openPage = (paymentId: string) => shop.request.get(`/mock-gateway/${paymentId}`).set('Accept', 'text/html').set('Sec-Fetch-Dest', 'document');

async function pressButton(paymentId: string, button: 'Pay' | 'Fail' | 'Cancel') {
  const page = await openPage(paymentId).expect(200);
  const form = mockGatewayForms(page.text).find((f) => f.button === button)!;
  return shop.request.post(form.action).type('form').send(form.fields);
}

describe('GET /mock-gateway/{paymentId} and POST /api/payments/mock/callback', () => {
  test('when the buyer opens the page in a browser and clicks Pay, then the browser goes to the storefront and the order is PAID', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);

    const page = await openPage(paymentId).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("form-action 'self' https://store.test");
    expect(mockGatewayForms(page.text).map((f) => f.button)).toEqual(['Pay', 'Fail', 'Cancel']);
    const pay = mockGatewayForms(page.text).find((f) => f.button === 'Pay')!;
    const res = await shop.request.post(pay.action).type('form').send(pay.fields).expect(303);

    expect(res.headers.location).toBe(`https://store.test/paid?paymentId=${paymentId}`);
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ id: paymentId, status: 'SUCCEEDED' })]);
    expect(await orderState(shop.db.pool, order)).toEqual({
      status: 'PAID',
      stock: 3,
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
      ],
    });
    expect(await inboxOf(shop.db.pool, paymentId)).toEqual([{ provider: 'MOCK', eventId: `${paymentId}:paid`, type: 'mock.paid', outcome: 'applied' }]);
    const after = await shop.request.get(`/mock-gateway/${paymentId}`).expect(200);
    expect(mockGatewayForms(after.text)).toEqual([]);
    expect(after.text).toContain('This payment is SUCCEEDED');
  });

  test('when the buyer clicks Fail, then the attempt is FAILED, the order still awaits payment and a new attempt can start', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);

    const res = await pressButton(paymentId, 'Fail');

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`https://store.test/failed?paymentId=${paymentId}`);
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('FAILED');
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
    const retry = await startMockPayment(shop, order);
    await pressButton(retry, 'Pay');
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
  });

  test('when the buyer clicks Cancel, then the attempt is CANCELLED and the browser goes to the cancel page', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);

    const res = await pressButton(paymentId, 'Cancel');

    expect(res.headers.location).toBe(`https://store.test/cancelled?paymentId=${paymentId}`);
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('CANCELLED');
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
  });

  test('when Pay is submitted 5 times at once (a double click, a re-sent form), then one state change and one inbox row', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);
    const page = await shop.request.get(`/mock-gateway/${paymentId}`).expect(200);
    const pay = mockGatewayForms(page.text).find((f) => f.button === 'Pay')!;

    const answers = await Promise.all(Array.from({ length: 5 }, () => shop.request.post(pay.action).type('form').send(pay.fields)));

    expect(answers.map((r) => r.status)).toEqual(Array(5).fill(303));
    expect((await orderState(shop.db.pool, order)).history).toEqual([
      [null, 'AWAITING_PAYMENT'],
      ['AWAITING_PAYMENT', 'PAID'],
    ]);
    expect(await inboxOf(shop.db.pool, paymentId)).toHaveLength(1);
  });

  test('when Fail arrives after Pay, then nothing changes and the failure is recorded as ignored', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);
    const page = await shop.request.get(`/mock-gateway/${paymentId}`).expect(200);
    const [pay, fail] = mockGatewayForms(page.text);
    await shop.request.post(pay.action).type('form').send(pay.fields).expect(303);

    await shop.request.post(fail.action).type('form').send(fail.fields).expect(303);

    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('SUCCEEDED');
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
    expect((await inboxOf(shop.db.pool, paymentId)).map((e) => [e.type, e.outcome])).toEqual([
      ['mock.paid', 'applied'],
      ['mock.failed', 'ignored'],
    ]);
  });

  test.each([
    ['the Fail signature is reused for Pay', (f: Record<string, string>) => ({ ...f, outcome: 'paid' })],
    ['the signature is made up', (f: Record<string, string>) => ({ ...f, signature: 'a'.repeat(64) })],
    ['the signature is missing', ({ signature: _, ...f }: Record<string, string>) => f],
  ])('when %s, then 400 INVALID_SIGNATURE and nothing changes', async (_, tamper) => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);
    const page = await shop.request.get(`/mock-gateway/${paymentId}`).expect(200);
    const fail = mockGatewayForms(page.text).find((f) => f.button === 'Fail')!;
    const inboxBefore = await countInbox(shop.db.pool);

    const res = await shop.request.post(fail.action).type('form').send(tamper(fail.fields)).expect(400);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('INVALID_SIGNATURE');
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('PENDING');
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
    expect(await countInbox(shop.db.pool)).toBe(inboxBefore);
  });

  test('when the page is asked for an unknown payment, then 404', async () => {
    await shop.request.get('/mock-gateway/00000000-0000-4000-8000-000000000000').expect(404);
    await shop.request.get('/mock-gateway/not-a-uuid').expect(404);
  });

  test('when mock payments are off, then the page and the callback answer 422 PROVIDER_NOT_ENABLED', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);
    const page = await shop.request.get(`/mock-gateway/${paymentId}`).expect(200);
    const pay = mockGatewayForms(page.text).find((f) => f.button === 'Pay')!;
    await shop.withAnother({ MOCK_PAYMENTS: 'off' }, async (off) => {
      expect((await off.request.get(`/mock-gateway/${paymentId}`).expect(422)).body.code).toBe('PROVIDER_NOT_ENABLED');
      expect((await off.request.post(pay.action).type('form').send(pay.fields).expect(422)).body.code).toBe('PROVIDER_NOT_ENABLED');
    });
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('PENDING');
  });
});
