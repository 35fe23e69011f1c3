import { panelPerFile } from '../helpers/admin-fixtures.js';
import { createOrder, createProduct, createProductWithVariants, createUser } from '../helpers/fixtures.js';

const panel = panelPerFile();

describe('GET /admin/api/dashboard', () => {
  test('when orders of various ages, states and currencies exist, then revenue, counts, stock and the shipping queue add up', async () => {
    const pool = panel.shop.db.pool;
    const customer = await createUser(pool);
    const p10 = await createProduct(pool, { priceMinor: 1000, stock: 50 });
    const p1 = await createProduct(pool, { priceMinor: 100, stock: 50 });
    const scarce = await createProduct(pool, { stock: 0, title: 'A scarce thing' });
    await createProduct(pool, { stock: 0, active: false, title: 'Withdrawn thing' });
    const order = (status: Parameters<typeof createOrder>[1]['status'], product: typeof p10, createdDaysAgo: number, currency = 'USD') =>
      createOrder(pool, { userId: customer.id, status, lines: [{ product, quantity: 1 }], createdDaysAgo, currency });
    // kept revenue: today 1000 + 100, 3 days ago 1000, 10 days ago 1000 (delivered); 40 days ago is out of range
    const paidToday = await order('PAID', p10, 0);
    await order('SHIPPED', p1, 0);
    await order('DELIVERED', p10, 3);
    await order('DELIVERED', p10, 10);
    await order('DELIVERED', p10, 40);
    // not revenue: unpaid, cancelled, refunded
    await order('AWAITING_PAYMENT', p10, 0);
    await order('CANCELLED', p10, 0);
    await order('REFUNDED', p10, 1);
    const olderPaid = await order('PAID', p1, 2, 'EUR');

    const res = await panel.staff.get('/admin/api/dashboard').expect(200);

    const data = res.body;
    expect(data.revenue).toEqual([
      { currency: 'EUR', todayMinor: 0, last7DaysMinor: 100, last30DaysMinor: 100 },
      { currency: 'USD', todayMinor: 1100, last7DaysMinor: 2100, last30DaysMinor: 3100 },
    ]);
    const usd = data.dailyRevenue.find((s: { currency: string }) => s.currency === 'USD');
    expect(usd.days).toHaveLength(30);
    expect(usd.days[29]).toEqual({ day: new Date().toISOString().slice(0, 10), revenueMinor: 1100, orders: 2 });
    expect(usd.days.reduce((sum: number, d: { orders: number }) => sum + d.orders, 0)).toBe(4);
    expect(Object.fromEntries(data.ordersByStatus.map((s: { status: string; count: number }) => [s.status, s.count]))).toEqual({
      AWAITING_PAYMENT: 1,
      CONFIRMED: 0,
      RETURNED: 0,
      ON_HOLD: 0,
      PAID: 2,
      SHIPPED: 1,
      DELIVERED: 3,
      PARTIALLY_REFUNDED: 0,
      CANCELLED: 1,
      EXPIRED: 0,
      REFUNDED: 1,
    });
    expect(data.lowestStock[0]).toEqual({ id: scarce.variantId, productId: scarce.id, sku: scarce.sku, title: 'A scarce thing', stock: 0, threshold: 5 });
    expect(data.lowestStock.map((p: { title: string }) => p.title)).not.toContain('Withdrawn thing');
    expect(data.awaitingShipment.count).toBe(2);
    expect(data.awaitingShipment.oldest.map((o: { id: string }) => o.id)).toEqual([olderPaid.id, paidToday.id]);
    expect(data.awaitingShipment.oldest[0]).toMatchObject({ customer: customer.email, totalMinor: 100, currency: 'EUR' });
  });

  test('when products have variants, then stock is shown per active variant with its full title, and the totals count those variants', async () => {
    const pool = panel.shop.db.pool;
    await pool.query(`UPDATE product_variants SET active = false`); // only this test's catalog counts
    const tee = await createProductWithVariants(pool, {
      title: 'T-shirt',
      options: [
        { name: 'Size', values: ['S', 'M'] },
        { name: 'Colour', values: ['Red', 'Blue'] },
      ],
      variants: [
        { optionValues: { Colour: 'Red', Size: 'M' }, stock: 0 },
        { optionValues: { Size: 'S', Colour: 'Blue' }, stock: 2 },
        { optionValues: { Size: 'M', Colour: 'Blue' }, stock: 1, active: false },
        { optionValues: { Size: 'S', Colour: 'Red' }, stock: 40 },
      ],
    });
    const mug = await createProduct(pool, { title: 'Plain mug', stock: 3 });
    await createProductWithVariants(pool, { title: 'Withdrawn hoodie', active: false, options: [{ name: 'Size', values: ['L'] }], stock: 0 });

    const res = await panel.staff.get('/admin/api/dashboard').expect(200);

    expect(res.body.lowestStock).toEqual([
      { id: tee.variants[0].id, productId: tee.id, sku: tee.variants[0].sku, title: 'T-shirt — M / Red', stock: 0, threshold: 5 },
      { id: tee.variants[1].id, productId: tee.id, sku: tee.variants[1].sku, title: 'T-shirt — S / Blue', stock: 2, threshold: 5 },
      { id: mug.variantId, productId: mug.id, sku: mug.sku, title: 'Plain mug', stock: 3, threshold: 5 },
      { id: tee.variants[3].id, productId: tee.id, sku: tee.variants[3].sku, title: 'T-shirt — S / Red', stock: 40, threshold: 5 },
    ]);
    expect(res.body.stock).toEqual({ variants: 4, outOfStock: 1, low: 2, units: 45 });
  });

  test("when variants have their own low-stock thresholds, then those decide what is low, listed first, beside the store's", async () => {
    const pool = panel.shop.db.pool;
    await pool.query(`UPDATE product_variants SET active = false`); // only this test's catalog counts
    const watched = await createProduct(pool, { title: 'Watched tea', stock: 30 });
    const relaxed = await createProduct(pool, { title: 'Relaxed tea', stock: 2 });
    await createProduct(pool, { title: 'Plain tea', stock: 4 });
    await createProduct(pool, { title: 'Plenty tea', stock: 20 });
    await pool.query(
      `UPDATE product_variants SET low_stock_threshold = v.t FROM (VALUES ($1::uuid, 50), ($2::uuid, 1)) AS v(id, t) WHERE product_variants.id = v.id`,
      [watched.variantId, relaxed.variantId],
    );

    const res = await panel.staff.get('/admin/api/dashboard').expect(200);

    expect(res.body.lowestStock.map((v: { title: string; stock: number; threshold: number }) => [v.title, v.stock, v.threshold])).toEqual([
      ['Plain tea', 4, 5],
      ['Watched tea', 30, 50],
      ['Relaxed tea', 2, 1],
      ['Plenty tea', 20, 5],
    ]);
    expect(res.body.stock).toEqual({ variants: 4, outOfStock: 0, low: 2, units: 56 });
  });

  test('when orders were refunded in part, then revenue keeps what their refunds did not give back', async () => {
    const pool = panel.shop.db.pool;
    const currency = 'GBP'; // a currency of its own: the other tests' orders do not count
    const product = await createProduct(pool, { priceMinor: 4000, stock: 10, currency });
    const customer = await createUser(pool);
    const partly = await createOrder(pool, { userId: customer.id, status: 'PARTIALLY_REFUNDED', lines: [{ product, quantity: 1 }], currency });
    const shippedAfter = await createOrder(pool, { userId: customer.id, status: 'SHIPPED', lines: [{ product, quantity: 1 }], currency });
    for (const [order, amountMinor] of [
      [partly, 1500],
      [shippedAfter, 500],
    ] as const)
      await pool.query(
        `INSERT INTO refunds (payment_id, order_id, amount_minor, currency, status, actor) SELECT id, order_id, $2, currency, 'succeeded', 'staff:test' FROM payments WHERE order_id = $1`,
        [order.id, amountMinor],
      );

    const data = (await panel.staff.get('/admin/api/dashboard').expect(200)).body;

    expect(data.revenue).toContainEqual({ currency, todayMinor: 8000 - 2000, last7DaysMinor: 6000, last30DaysMinor: 6000 });
  });

  test('when a paid order was refunded in part before shipping, then it still waits to ship; once shipped it does not', async () => {
    const pool = panel.shop.db.pool;
    const before = (await panel.staff.get('/admin/api/dashboard').expect(200)).body.awaitingShipment.count;
    const product = await createProduct(pool, { stock: 5 });
    const customer = await createUser(pool);
    const unshipped = await createOrder(pool, { userId: customer.id, status: 'PARTIALLY_REFUNDED', lines: [{ product, quantity: 1 }] });
    const shipped = await createOrder(pool, { userId: customer.id, status: 'PARTIALLY_REFUNDED', lines: [{ product, quantity: 1 }] });
    await pool.query(`UPDATE orders SET shipped_at = now() WHERE id = $1`, [shipped.id]);

    const data = (await panel.staff.get('/admin/api/dashboard').expect(200)).body;

    expect(data.awaitingShipment.count).toBe(before + 1);
    const waiting = data.awaitingShipment.oldest.map((o: { id: string }) => o.id);
    expect(waiting).toContain(unshipped.id);
    expect(waiting).not.toContain(shipped.id);
  });

  test('when a cash-on-delivery order is confirmed, then it waits to ship too (it is paid at the door, later)', async () => {
    const pool = panel.shop.db.pool;
    const before = (await panel.staff.get('/admin/api/dashboard').expect(200)).body.awaitingShipment.count;
    const product = await createProduct(pool, { stock: 5 });
    const cod = await createOrder(pool, { userId: (await createUser(pool)).id, status: 'CONFIRMED', lines: [{ product, quantity: 1 }], createdDaysAgo: 5 });

    const data = (await panel.staff.get('/admin/api/dashboard').expect(200)).body;

    expect(data.awaitingShipment.count).toBe(before + 1);
    expect(data.awaitingShipment.oldest[0]).toMatchObject({ id: cod.id, paidAt: null });
  });

  test('when nobody is signed in, then the dashboard data is not served', async () => {
    const res = await panel.shop.request.get('/admin/api/dashboard').expect(302);
    expect(res.headers.location).toBe('/admin/login');
  });
});
