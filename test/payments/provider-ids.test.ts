import { useTestShop } from '../helpers/test-app.js';
import { createPayableOrder } from '../helpers/payments-fixtures.js';
import { openapi } from '../helpers/contract.js';
import { PROVIDER_IDS, providerCode } from '../../src/payments/providers/provider.js';

const shop = useTestShop();
const PROVIDER_REF = '#/components/schemas/PaymentProvider';

/** Every schema in the contract that has a property named `provider`, with where it sits. */
function providerProperties(node: unknown, where = '#'): [string, unknown][] {
  if (!node || typeof node !== 'object') return [];
  const own = (node as { properties?: { provider?: unknown } }).properties?.provider;
  return [
    ...(own ? [[`${where}/properties/provider`, own] as [string, unknown]] : []),
    ...Object.entries(node).flatMap(([key, child]) => providerProperties(child, `${where}/${key}`)),
  ];
}

describe('provider ids, one spelling', () => {
  test('when a buyer starts a mock payment, then the payment, the order\'s payments[] and the providers list all say "mock"', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const auth = `Bearer ${order.token}`;

    const started = await shop.request.post(`/api/orders/${order.orderId}/payments`).set('Authorization', auth).send({ provider: 'mock' }).expect(201);
    const payment = await shop.request.get(`/api/payments/${started.body.id}`).set('Authorization', auth).expect(200);
    const detail = await shop.request.get(`/api/orders/${order.orderId}`).set('Authorization', auth).expect(200);
    const offered = await shop.request.get('/api/payments/providers').expect(200);

    expect(started.body.provider).toBe('mock');
    expect(payment.body.provider).toBe(started.body.provider);
    expect(detail.body.payments).toEqual([expect.objectContaining({ id: started.body.id, provider: started.body.provider })]);
    expect(offered.body.providers.map((p: { id: string }) => p.id)).toContain(started.body.provider);
    const { rows } = await shop.db.pool.query(`SELECT provider FROM payments WHERE order_id = $1`, [order.orderId]);
    expect(rows).toEqual([{ provider: 'MOCK' }]); // the storage spelling stays the database's
  });

  test('when an order has payments of every provider, then its payments[] spells each as a request names it', async () => {
    const order = await createPayableOrder(shop.db.pool);
    for (const id of PROVIDER_IDS) {
      await shop.db.pool.query(`INSERT INTO payments (order_id, provider, status, amount_minor, currency) VALUES ($1, $2, 'FAILED', $3, $4)`, [
        order.orderId,
        providerCode(id),
        order.totalMinor,
        order.currency,
      ]);
    }

    const detail = await shop.request.get(`/api/orders/${order.orderId}`).set('Authorization', `Bearer ${order.token}`).expect(200);

    expect(detail.body.payments.map((p: { provider: string }) => p.provider).sort()).toEqual([...PROVIDER_IDS].sort());
  });

  test("when the contract names a provider anywhere, then it is the one PaymentProvider enum, equal to the code's ids and to the database enum", async () => {
    const schema = (openapi.components.schemas as Record<string, { enum?: string[] }>).PaymentProvider;
    const { rows } = await shop.db.pool.query<{ code: string }>(`SELECT unnest(enum_range(NULL::"PaymentProvider"))::text AS code`);

    expect(schema.enum).toEqual([...PROVIDER_IDS]);
    expect(rows.map((r) => r.code).sort()).toEqual(PROVIDER_IDS.map(providerCode).sort());
    const properties = providerProperties(openapi.paths, '#/paths').concat(providerProperties(openapi.components.schemas, '#/components/schemas'));
    expect(properties.length).toBeGreaterThanOrEqual(3); // the payment, start-payment's body, an order's payments[]
    expect(properties.filter(([, property]) => (property as { $ref?: string }).$ref !== PROVIDER_REF)).toEqual([]);
  });
});
