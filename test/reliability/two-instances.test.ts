// Two app instances as separate processes on one database: checkouts, webhooks, discount uses and the expiry
// job race across them, and the database alone keeps them honest.
import { jobsFinished, sendJobs } from '../helpers/jobs-fixtures.js';
import { createTestDatabase } from '../helpers/test-app.js';
import { createDb, type Db } from '../../src/shared/db.js';
import { checkoutAs, type Line } from '../helpers/orders-fixtures.js';
import { createPayableOrder, inboxOf, orderState, paymentsOf } from '../helpers/payments-fixtures.js';
import { signedDelivery, startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js';
import {
  buyersWithCarts,
  checkoutOutcome,
  checkTheLedgerAfterTheLoad,
  eventually,
  partialOrders,
  startShopProcess,
  stockLedger,
  type ShopProcess,
} from '../helpers/reliability-fixtures.js';
import { reportCounts } from './report.js';
import { createProduct, createProductWithVariants, createUser, type UserFixture } from '../helpers/fixtures.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let fake: FakeStripe;
let shops: ShopProcess[];
const counts = { requestsSent: 0, ordersChecked: 0, webhookDeliveries: 0, stockMovements: 0 };

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 4);
  fake = await startFakeStripe();
  // Both run the background jobs (PROCESS_ROLE all): the expiry job below is set off on both at once.
  const env = { ...fake.env };
  shops = await Promise.all([startShopProcess(database.url, env), startShopProcess(database.url, env)]);
});
afterAll(async () => {
  await Promise.all(shops.map((shop) => shop.stop()));
  await fake.close();
  await db.close();
  await database.drop();
  reportCounts('two-instances', counts);
});

/** Each buyer checks out at the same moment, alternating between the two processes. */
async function checkoutAllAtOnce(buyers: UserFixture[]) {
  counts.requestsSent += buyers.length;
  return Promise.all(buyers.map((buyer, i) => checkoutAs(shops[i % shops.length].request, buyer)));
}

describe('checkout across two processes', () => {
  test('when 200 buyers race for the last 25 units through both processes, then exactly 25 orders, 175 clean 409s, stock 0', async () => {
    const scarce = await createProduct(db.pool, { stock: 25 });
    const oneUnit = [{ variantId: scarce.variantId, quantity: 1 }];
    const buyers = await buyersWithCarts(db.pool, 200, () => oneUnit);

    const answers = await checkoutAllAtOnce(buyers);

    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(25);
    expect(statuses.filter((s) => s === 409)).toHaveLength(175);
    for (const refused of answers.filter((r) => r.status === 409)) expect(refused.body.code).toBe('INSUFFICIENT_STOCK');
    expect(await stockLedger(db.pool, [scarce.variantId])).toEqual([{ id: scarce.variantId, stock: 0, held: 25 }]);
    for (const [i, buyer] of buyers.entries()) {
      expect(await checkoutOutcome(db.pool, buyer, oneUnit)).toBe(answers[i].status === 201 ? 'placed' : 'untouched');
    }
    expect(await partialOrders(db.pool)).toEqual([]);
    counts.ordersChecked += buyers.length;
  });

  test('when buyers with overlapping carts of several variants of several products check out through both processes, then stock adds up and every order holds its cart', async () => {
    // Three products in two sizes: six variants, neighbours often of the same product.
    const products = await Promise.all(
      Array.from({ length: 3 }, () => createProductWithVariants(db.pool, { options: [{ name: 'Size', values: ['S', 'M'] }], stock: 20 })),
    );
    const variants = products.flatMap((p) => p.variants);
    // Neighbouring variants, forwards or backwards: overlapping carts meet shared rows in different orders.
    const cartOf = (i: number): Line[] => {
      const picked = [0, 1, 2].map((k) => variants[(i + k) % variants.length]);
      return (i % 2 ? picked.reverse() : picked).map((v, k) => ({ variantId: v.id, quantity: 1 + ((i + k) % 2) }));
    };
    const buyers = await buyersWithCarts(db.pool, 120, cartOf);

    const answers = await checkoutAllAtOnce(buyers);

    expect(answers.map((r) => r.status).filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(answers.filter((r) => r.status === 201).length).toBeGreaterThan(0);
    expect(answers.filter((r) => r.status === 409).length).toBeGreaterThan(0);
    for (const { stock, held } of await stockLedger(
      db.pool,
      variants.map((v) => v.id),
    )) {
      expect(stock).toBeGreaterThanOrEqual(0);
      expect(stock + held).toBe(20);
    }
    for (const [i, buyer] of buyers.entries()) {
      expect(await checkoutOutcome(db.pool, buyer, cartOf(i))).toBe(answers[i].status === 201 ? 'placed' : 'untouched');
    }
    expect(await partialOrders(db.pool)).toEqual([]);
    counts.ordersChecked += buyers.length;
  });
});

describe('Stripe webhook across two processes', () => {
  test('when each event is delivered 12 times at once across both processes, then each order is paid once with one inbox row', async () => {
    const orders = await Promise.all(Array.from({ length: 5 }, () => createPayableOrder(db.pool, { expiresInMinutes: 120 })));
    const events = [];
    for (const order of orders) {
      const started = await shops[0].request
        .post(`/api/orders/${order.orderId}/payments`)
        .set('Authorization', `Bearer ${order.token}`)
        .send({ provider: 'stripe' })
        .expect(201);
      events.push({ order, paymentId: started.body.id as string, event: fake.completed(started.body.id) });
    }
    counts.requestsSent += orders.length;

    const deliveries = events.flatMap(({ event }) => Array.from({ length: 12 }, (_, i) => ({ event, shop: shops[i % 2] })));
    const answers = await Promise.all(
      deliveries.map(({ event, shop }) => {
        const { payload, header } = signedDelivery(event);
        return shop.request.post('/api/payments/stripe/webhook').set('Content-Type', 'application/json').set('Stripe-Signature', header).send(payload);
      }),
    );
    counts.requestsSent += deliveries.length;
    counts.webhookDeliveries += deliveries.length;

    expect(answers.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    for (const { order, paymentId, event } of events) {
      const outcomes = answers
        .filter((_, i) => deliveries[i].event === event)
        .map((r) => r.body.outcome)
        .sort();
      expect(outcomes).toEqual(['applied', ...Array(11).fill('duplicate')]);
      expect(await orderState(db.pool, order)).toEqual({
        status: 'PAID',
        stock: 3,
        history: [
          [null, 'AWAITING_PAYMENT'],
          ['AWAITING_PAYMENT', 'PAID'],
        ],
      });
      expect(await inboxOf(db.pool, paymentId)).toEqual([expect.objectContaining({ eventId: event.id, outcome: 'applied' })]);
      expect(await paymentsOf(db.pool, order.orderId)).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
    }
    counts.ordersChecked += orders.length;
  });
});

describe('expiry job on both processes', () => {
  test('when 60 orders become overdue and the expiry job is set off 10 times at once on both workers, then each expires exactly once and its stock comes back once', async () => {
    const product = await createProduct(db.pool, { stock: 60 });
    const buyers = await buyersWithCarts(db.pool, 60, () => [{ variantId: product.variantId, quantity: 1 }]);
    const placed = await checkoutAllAtOnce(buyers);
    expect(placed.map((r) => r.status)).toEqual(Array(60).fill(201));
    const orderIds = placed.map((r) => r.body.id as string);
    expect((await stockLedger(db.pool, [product.variantId]))[0].stock).toBe(0);

    await db.pool.query(`UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`, [orderIds]);
    const runs = await sendJobs(db.pool, 'orders-expire', 10);
    const allExpired = () =>
      db.pool
        .query(`SELECT count(*) FILTER (WHERE status = 'EXPIRED') = 60 AS done FROM orders WHERE id = ANY($1::uuid[])`, [orderIds])
        .then((r) => r.rows[0].done);
    expect(await eventually(allExpired, 30_000)).toBe(true);
    // Every run finishes, the later ones finding nothing left to do: nothing may happen twice.
    expect(await jobsFinished(db.pool, runs, 30_000)).toEqual(Array(10).fill('completed'));

    const { rows: history } = await db.pool.query(
      `SELECT order_id, count(*)::int AS n FROM order_status_changes WHERE order_id = ANY($1::uuid[]) AND to_status = 'EXPIRED' GROUP BY order_id`,
      [orderIds],
    );
    expect(history).toHaveLength(60);
    expect(history.every((h) => h.n === 1)).toBe(true);
    expect(await stockLedger(db.pool, [product.variantId])).toEqual([{ id: product.variantId, stock: 60, held: 0 }]);
    counts.ordersChecked += orderIds.length;
  });
});

describe('discount codes across both processes', () => {
  test('when 30 buyers race for the last 10 uses of a code through both processes, then exactly 10 orders get it and 20 get 409 DISCOUNT_EXHAUSTED with no order', async () => {
    const staff = await createUser(db.pool, { role: 'admin' });
    const created = await shops[0].request
      .post('/api/admin/discount-codes')
      .set('Authorization', staff.auth)
      .send({ code: `RACE${Date.now().toString(36).toUpperCase()}`, type: 'fixed_amount', value: 100, usageLimit: 10 });
    expect(created.status).toBe(201);
    const product = await createProduct(db.pool, { stock: 100, priceMinor: 1000 });
    const buyers = await buyersWithCarts(db.pool, 30, () => [{ variantId: product.variantId, quantity: 1 }]);
    for (const [i, buyer] of buyers.entries()) {
      const applied = await shops[i % 2].request.post('/api/cart/discount').set('Authorization', buyer.auth).send({ code: created.body.code });
      expect(applied.status).toBe(200);
    }

    const answers = await checkoutAllAtOnce(buyers);

    expect(answers.filter((r) => r.status === 201)).toHaveLength(10);
    expect(answers.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(Array(20).fill('DISCOUNT_EXHAUSTED'));
    expect(answers.filter((r) => r.status === 201).every((r) => r.body.discountMinor === 100)).toBe(true);
    const { rows } = await db.pool.query(
      `SELECT (SELECT used_count FROM discount_codes WHERE id = $1) AS "usedCount",
              (SELECT count(*)::int FROM discount_code_uses WHERE discount_code_id = $1) AS uses,
              (SELECT count(*)::int FROM orders WHERE user_id = ANY($2::uuid[])) AS orders`,
      [created.body.id, buyers.map((b) => b.id)],
    );
    expect(rows[0]).toEqual({ usedCount: 10, uses: 10, orders: 10 });
    counts.ordersChecked += buyers.length;
  });

  test('when one customer checks out twice at the same moment through both processes with a once-per-customer code, then one order uses it', async () => {
    const staff = await createUser(db.pool, { role: 'admin' });
    const created = await shops[1].request
      .post('/api/admin/discount-codes')
      .set('Authorization', staff.auth)
      .send({ code: `ONCE${Date.now().toString(36).toUpperCase()}`, type: 'percentage', value: 10, perCustomerLimit: 1 });
    expect(created.status).toBe(201);
    const product = await createProduct(db.pool, { stock: 10, priceMinor: 1000 });
    const [buyer] = await buyersWithCarts(db.pool, 1, () => [{ variantId: product.variantId, quantity: 2 }]);
    expect((await shops[0].request.post('/api/cart/discount').set('Authorization', buyer.auth).send({ code: created.body.code })).status).toBe(200);

    const answers = await Promise.all(shops.map((shop) => checkoutAs(shop.request, buyer)));

    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    expect(answers.every((r) => r.status < 500)).toBe(true);
    const { rows } = await db.pool.query(
      `SELECT (SELECT used_count FROM discount_codes WHERE id = $1) AS "usedCount",
              (SELECT count(*)::int FROM discount_code_uses WHERE discount_code_id = $1 AND user_id = $2) AS uses`,
      [created.body.id, buyer.id],
    );
    expect(rows[0]).toEqual({ usedCount: 1, uses: 1 });
    counts.ordersChecked += 1;
  });
});

checkTheLedgerAfterTheLoad(() => db.pool, counts);
