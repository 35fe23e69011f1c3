import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { useTestShop } from '../helpers/test-app.js';
import { placeOrder, snapshot } from '../helpers/orders-fixtures.js';
import { createProduct, createUser, stockOf, type UserFixture } from '../helpers/fixtures.js';

const shop = useTestShop();

const get = (path: string, person?: UserFixture) => {
  const req = shop.request.get(path);
  return person ? req.set('Authorization', `Bearer ${person.token}`) : req;
};
const cancel = (orderId: string, person?: UserFixture) => {
  const req = shop.request.post(`/api/orders/${orderId}/cancel`);
  return person ? req.set('Authorization', `Bearer ${person.token}`) : req;
};

/** Counts the queries a request sends through the pool (the auth lookup is one of them). */
async function queriesDuring(work: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(shop.db.pool, 'query');
  try {
    await work();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('GET /api/orders', () => {
  test("when the buyer pages through their orders, then they come newest first, each once, and nobody else's", async () => {
    const buyer = await createUser(shop.db.pool);
    const other = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 20 });
    const placed: string[] = [];
    for (let i = 1; i <= 5; i++) placed.push((await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: item.variantId, quantity: i }])).id);
    await placeOrder(shop.request, shop.db.pool, other, [{ variantId: item.variantId, quantity: 1 }]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await get(
        `/api/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        buyer,
      ).expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((o: { id: string }) => o.id));
      cursor = res.body.nextCursor;
    } while (cursor);

    expect(seen).toEqual([...placed].reverse());
    const first = await get('/api/orders?limit=1', buyer).expect(200);
    expect(first.body.items[0]).toMatchObject({ id: placed[4], status: 'AWAITING_PAYMENT', itemCount: 5, totalMinor: 5000, currency: 'USD' });
  });

  test('when the buyer has no orders, then an empty page', async () => {
    const newcomer = await createUser(shop.db.pool);
    const res = await get('/api/orders', newcomer).expect(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  test('when a page is listed, then it takes one query besides the sign-in lookup', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 5 });
    for (let i = 0; i < 3; i++) await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: item.variantId, quantity: 1 }]);

    expect(await queriesDuring(() => get('/api/orders', buyer).expect(200))).toBe(2);
  });

  test.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=ten'],
    ['cursor=not-a-cursor'],
    [`cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`],
    // tampered cursors that once reached PostgreSQL and answered 500
    [`cursor=${Buffer.from(JSON.stringify([new Date(-8.64e15).toISOString(), randomUUID()])).toString('base64url')}`],
    [`cursor=${Buffer.from(JSON.stringify(['1 2', randomUUID()])).toString('base64url')}`],
    [`cursor=${Buffer.from(JSON.stringify(['2025-01-01T00:00:00.000Z', '-'.repeat(36)])).toString('base64url')}`],
    ['sort=oldest'],
  ])('when the query is %s, then 400 problem+json', async (query) => {
    const buyer = await createUser(shop.db.pool);
    const res = await get(`/api/orders?${query}`, buyer).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  test('when nobody is signed in, then 401', async () => {
    await get('/api/orders').expect(401);
  });
});

describe('GET /api/orders/{id}', () => {
  test('when the buyer reads their order, then items, totals, history, payments and shipping come back in one query', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 5, priceMinor: 700, title: 'Candle' });
    const order = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: item.variantId, quantity: 2 }]);
    const { rows } = await shop.db.pool.query(
      `INSERT INTO payments (order_id, provider, status, amount_minor, currency) VALUES ($1, 'MOCK', 'FAILED', 1400, 'USD'), ($1, 'STRIPE', 'PENDING', 1400, 'USD')
       RETURNING id, provider`,
      [order.id],
    );

    let res!: Awaited<ReturnType<typeof get>>;
    const queries = await queriesDuring(async () => {
      res = await get(`/api/orders/${order.id}`, buyer).expect(200);
    });

    expect(queries).toBe(2);
    expect(res.body).toMatchObject({
      id: order.id,
      status: 'AWAITING_PAYMENT',
      subtotalMinor: 1400,
      totalMinor: 1400,
      itemCount: 2,
      items: [{ productId: item.id, sku: item.sku, title: 'Candle', unitPriceMinor: 700, quantity: 2, lineTotalMinor: 1400 }],
      history: [{ from: null, to: 'AWAITING_PAYMENT', actor: 'customer' }],
      shipping: { carrier: null, trackingNumber: null, trackingUrl: null, shippedAt: null, deliveredAt: null },
    });
    expect(res.body.payments.map((p: { id: string; provider: string }) => p.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(res.body.payments[0]).toMatchObject({ amountMinor: 1400, currency: 'USD' });
    expect(new Date(res.body.expiresAt).getTime() - new Date(res.body.createdAt).getTime()).toBe(shop.config.ORDER_TTL_MINUTES * 60_000);
  });

  test('when another customer asks for the order, then 404 as if it did not exist', async () => {
    const owner = await createUser(shop.db.pool);
    const stranger = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 1 });
    const order = await placeOrder(shop.request, shop.db.pool, owner, [{ variantId: item.variantId, quantity: 1 }]);

    const res = await get(`/api/orders/${order.id}`, stranger).expect(404);

    expect(res.body.code).toBe('NOT_FOUND');
    await get(`/api/orders/${randomUUID()}`, stranger).expect(404);
  });

  test('when the id is not a uuid, then 400 problem+json', async () => {
    const buyer = await createUser(shop.db.pool);
    const res = await get('/api/orders/12345', buyer).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  test('when nobody is signed in, then 401', async () => {
    await get(`/api/orders/${randomUUID()}`).expect(401);
  });
});

describe('POST /api/orders/{id}/cancel', () => {
  test('when the buyer cancels an unpaid order, then it is CANCELLED, the stock comes back once and the change is recorded', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 5 });
    const order = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: item.variantId, quantity: 3 }]);
    expect(await stockOf(shop.db.pool, item)).toBe(2);

    const res = await cancel(order.id, buyer).expect(200);

    expect(res.body.status).toBe('CANCELLED');
    expect(res.body.cancelledAt).not.toBeNull();
    expect(res.body.history.map((h: { from: string; to: string; actor: string }) => [h.from, h.to, h.actor])).toEqual([
      [null, 'AWAITING_PAYMENT', 'customer'],
      ['AWAITING_PAYMENT', 'CANCELLED', 'customer'],
    ]);
    expect(await stockOf(shop.db.pool, item)).toBe(5);

    const again = await cancel(order.id, buyer).expect(409);
    expect(again.body).toMatchObject({ code: 'ILLEGAL_TRANSITION', currentStatus: 'CANCELLED' });
    expect(await stockOf(shop.db.pool, item)).toBe(5);
  });

  test('when another customer tries to cancel the order, then 404 and nothing changes', async () => {
    const owner = await createUser(shop.db.pool);
    const stranger = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 2 });
    const order = await placeOrder(shop.request, shop.db.pool, owner, [{ variantId: item.variantId, quantity: 1 }]);
    const ids = { userIds: [owner.id, stranger.id], variantIds: [item.variantId] };
    const before = await snapshot(shop.db.pool, ids);

    await cancel(order.id, stranger).expect(404);

    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
  });

  test('when the id is not a uuid, then 400; when nobody is signed in, then 401', async () => {
    const buyer = await createUser(shop.db.pool);
    expect((await cancel('not-a-uuid', buyer).expect(400)).body.code).toBe('VALIDATION_FAILED');
    await cancel(randomUUID()).expect(401);
  });
});
