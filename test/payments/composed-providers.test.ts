import type { Config } from '../../src/config.js';
import { configuredProviders, type Providers } from '../../src/payments/providers/registry.js';
import { adminApi, panelPerFile } from '../helpers/admin-fixtures.js';
import { createOrder, createProduct, createUser, orderStatus } from '../helpers/fixtures.js';
import { createPayableOrder, paymentsOf } from '../helpers/payments-fixtures.js';

// The composition root builds the payment providers once and passes them in: the payment routes,
// the gateway pages, the staff refund route and the staff panel all use that one set.

const calls: string[] = [];
/** The configured providers, with the mock's calls recorded. */
function recordingProviders(config: Config): Providers {
  const providers = configuredProviders(config);
  const mock = providers.mock!;
  const createSession = mock.createSession.bind(mock);
  const refund = mock.refund.bind(mock);
  mock.createSession = (payment) => {
    calls.push(`session ${payment.id}`);
    return createSession(payment);
  };
  mock.refund = (payment, made) => {
    calls.push(`refund ${payment.id}`);
    return refund(payment, made);
  };
  return providers;
}
const panel = panelPerFile({ providers: recordingProviders });

describe('payment providers passed in where the app is composed', () => {
  test('when a buyer pays, staff refund over the API and staff refund in the panel, then every gateway call goes through the providers the app was given', async () => {
    const shop = panel.shop;
    const staff = await createUser(shop.db.pool, { role: 'admin' });
    const order = await createPayableOrder(shop.db.pool);
    const product = await createProduct(shop.db.pool);
    const shipped = await createOrder(shop.db.pool, { userId: order.userId, status: 'SHIPPED', lines: [{ product, quantity: 1 }] });
    const [shippedPayment] = await paymentsOf(shop.db.pool, shipped.id);

    const started = await shop.request
      .post(`/api/orders/${order.orderId}/payments`)
      .set('Authorization', `Bearer ${order.token}`)
      .send({ provider: 'mock' })
      .expect(201);
    const page = await shop.request.get(`/mock-gateway/${started.body.id}`).expect(200);
    const signature = /name="outcome" value="paid">\s*<input type="hidden" name="signature" value="([0-9a-f]+)"/.exec(page.text)![1];
    await shop.request.post('/api/payments/mock/callback').type('form').send({ paymentId: started.body.id, outcome: 'paid', signature }).expect(303);
    await shop.request.post(`/api/admin/orders/${order.orderId}/refund`).set('Authorization', staff.auth).expect(200);
    const action = await panel.staff
      .post(adminApi.recordAction('Order', shipped.id, 'refund'))
      .send({})
      .expect(200);

    expect(action.body.notice).toMatchObject({ type: 'success' });
    expect(calls).toEqual([`session ${started.body.id}`, `refund ${started.body.id}`, `refund ${shippedPayment.id}`]);
    expect(await orderStatus(shop.db.pool, order.orderId)).toBe('REFUNDED');
    expect(await orderStatus(shop.db.pool, shipped.id)).toBe('REFUNDED');
    expect((await paymentsOf(shop.db.pool, shipped.id)).map((p) => p.status)).toEqual(['REFUNDED']);
  });
});
