// The stock ledger by story: every way stock moves writes one stock_movements row naming the
// variant, the change, the stock after it, the reason, who, and the order, in the changing
// transaction itself (the row's xmin is the variant row's). A rolled-back change leaves none,
// concurrent changes chain, and a ledger that does not add up fails the test database's drop.
import { useTestShop, createTestDatabase } from '../helpers/test-app.js';
import { createProduct, createUser, stockOf, type ProductFixture, type UserFixture } from '../helpers/fixtures.js';
import { checkoutAs, fillCart, placeOrder } from '../helpers/orders-fixtures.js';
import { createPayableOrder, moveOrder, startMockPayment, STOREFRONT } from '../helpers/payments-fixtures.js';
import { createShippingMethod } from '../helpers/delivery-fixtures.js';
import { unbalancedStock } from '../helpers/stock-ledger.js';
import { mockGatewayForms } from '../../src/payments/mock-gateway-page.js';
import { expireOverdueOrders } from '../../src/orders/expiry-job.js';
import { takeStock } from '../../src/catalog/stock.js';
import { createDb, inTransaction } from '../../src/shared/db.js';

const shop = useTestShop({ env: STOREFRONT });
let staff: UserFixture;
beforeAll(async () => {
  staff = await createUser(shop.db.pool, { role: 'admin' });
});

const asStaff = (path: string, body: object = {}) => shop.request.post(path).set('Authorization', staff.auth).send(body);

/** The variant's newest movement, and whether it was written by the transaction that last changed the variant. */
async function lastMovement(variantId: string) {
  const { rows } = await shop.db.pool.query(
    `SELECT m.change, m.stock_after AS "stockAfter", m.reason, m.actor, m.order_id AS "orderId", m.xmin::text = v.xmin::text AS "sameTransaction"
       FROM stock_movements m JOIN product_variants v ON v.id = m.variant_id WHERE m.variant_id = $1 ORDER BY m.id DESC LIMIT 1`,
    [variantId],
  );
  return rows[0];
}
const movementCount = async (variantId: string) =>
  Number((await shop.db.pool.query(`SELECT count(*) AS n FROM stock_movements WHERE variant_id = $1`, [variantId])).rows[0].n);

async function payAtMockGateway(paymentId: string) {
  const page = await shop.request.get(`/mock-gateway/${paymentId}`).set('Accept', 'text/html').set('Sec-Fetch-Dest', 'document').expect(200);
  const pay = mockGatewayForms(page.text).find((f) => f.button === 'Pay')!;
  await shop.request.post(pay.action).type('form').send(pay.fields).expect(303);
}

describe('every stock change is a ledger row in its own transaction', () => {
  test('when a customer checks out, then "checkout" by the customer, for the order', async () => {
    const product = await createProduct(shop.db.pool, { stock: 5 });
    const buyer = await createUser(shop.db.pool);

    const order = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity: 2 }]);

    expect(await lastMovement(product.variantId)).toEqual({
      change: -2,
      stockAfter: 3,
      reason: 'checkout',
      actor: `customer:${buyer.id}`,
      orderId: order.id,
      sameTransaction: true,
    });
  });

  test('when an unpaid order expires, then "expiry" by the expiry job, for the order', async () => {
    const product = await createProduct(shop.db.pool, { stock: 5 });
    const order = await placeOrder(shop.request, shop.db.pool, await createUser(shop.db.pool), [{ variantId: product.variantId, quantity: 2 }]);
    await shop.db.pool.query(`UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = $1`, [order.id]);

    await expireOverdueOrders(shop.db.pool, { batchSize: 10 });

    expect(await lastMovement(product.variantId)).toEqual({
      change: 2,
      stockAfter: 5,
      reason: 'expiry',
      actor: 'system:expiry',
      orderId: order.id,
      sameTransaction: true,
    });
  });

  test('when the customer cancels an unpaid order, then "cancel" by the customer', async () => {
    const product = await createProduct(shop.db.pool, { stock: 5 });
    const buyer = await createUser(shop.db.pool);
    const order = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity: 1 }]);

    await shop.request.post(`/api/orders/${order.id}/cancel`).set('Authorization', buyer.auth).send({}).expect(200);

    expect(await lastMovement(product.variantId)).toEqual({
      change: 1,
      stockAfter: 5,
      reason: 'cancel',
      actor: `customer:${buyer.id}`,
      orderId: order.id,
      sameTransaction: true,
    });
  });

  test('when staff cancel an unpaid order, then "cancel" by the staff member', async () => {
    const product = await createProduct(shop.db.pool, { stock: 5 });
    const order = await placeOrder(shop.request, shop.db.pool, await createUser(shop.db.pool), [{ variantId: product.variantId, quantity: 3 }]);

    await asStaff(`/api/admin/orders/${order.id}/cancel`).expect(200);

    expect(await lastMovement(product.variantId)).toEqual({
      change: 3,
      stockAfter: 5,
      reason: 'cancel',
      actor: `staff:${staff.id}`,
      orderId: order.id,
      sameTransaction: true,
    });
  });

  test('when staff cancel a paid order, then its refund puts the stock back as "refund_restock"', async () => {
    const order = await createPayableOrder(shop.db.pool, { quantity: 2, stockLeft: 3 });
    await payAtMockGateway(await startMockPayment(shop, order));

    const res = await asStaff(`/api/admin/orders/${order.orderId}/cancel`).expect(200);

    expect(res.body.status).toBe('REFUNDED');
    expect(await lastMovement(order.variantId)).toEqual({
      change: 2,
      stockAfter: 5,
      reason: 'refund_restock',
      actor: `staff:${staff.id}`,
      orderId: order.orderId,
      sameTransaction: true,
    });
  });

  test('when an expired order is paid late and its stock is still there, then "late_payment_retake" by the gateway', async () => {
    const order = await createPayableOrder(shop.db.pool, { quantity: 2, stockLeft: 3 });
    const paymentId = await startMockPayment(shop, order);
    await moveOrder(shop.db.pool, order.orderId, 'EXPIRED');
    expect(await lastMovement(order.variantId)).toMatchObject({ change: 2, stockAfter: 5, reason: 'expiry' });

    await payAtMockGateway(paymentId);

    expect(await lastMovement(order.variantId)).toEqual({
      change: -2,
      stockAfter: 3,
      reason: 'late_payment_retake',
      actor: 'provider:mock',
      orderId: order.orderId,
      sameTransaction: true,
    });
  });

  test('when a cash-on-delivery parcel comes back from the door, then "cod_return" by the staff member', async () => {
    const product = await createProduct(shop.db.pool, { stock: 10 });
    const buyer = await createUser(shop.db.pool);
    const cod = await createShippingMethod(shop.db.pool, { countries: ['BD'], priceMinor: 150, codEnabled: true });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: product.variantId, quantity: 3 }]);
    const address = { recipientName: 'Rahim Uddin', phone: '01712-345678', line1: 'House 12', city: 'Dhaka', postalCode: '1205', country: 'BD' };
    const order = await checkoutAs(shop.request, buyer, { delivery: { shippingAddress: address, shippingMethodId: cod.id, paymentMethod: 'cod' } }).expect(201);
    await asStaff(`/api/admin/orders/${order.body.id}/ship`, { carrier: 'Pathao', trackingNumber: 'PT-9' }).expect(200);

    await asStaff(`/api/admin/orders/${order.body.id}/return`).expect(200);

    expect(await lastMovement(product.variantId)).toEqual({
      change: 3,
      stockAfter: 10,
      reason: 'cod_return',
      actor: `staff:${staff.id}`,
      orderId: order.body.id,
      sameTransaction: true,
    });
  });

  test('when staff adjust the stock, then their reason, by them, for no order', async () => {
    const product = await createProduct(shop.db.pool, { stock: 5 });

    await asStaff(`/api/admin/variants/${product.variantId}/stock-adjustments`, { change: -1, reason: 'count_correction' }).expect(201);

    expect(await lastMovement(product.variantId)).toEqual({
      change: -1,
      stockAfter: 4,
      reason: 'count_correction',
      actor: `staff:${staff.id}`,
      orderId: null,
      sameTransaction: true,
    });
  });

  test('when a variant is made with stock outside the shop, then "initial" by the database user; made with none, no row', async () => {
    const stocked = await createProduct(shop.db.pool, { stock: 7 });
    const empty = await createProduct(shop.db.pool, { stock: 0 });

    expect(await lastMovement(stocked.variantId)).toEqual({
      change: 7,
      stockAfter: 7,
      reason: 'initial',
      actor: 'db:postgres',
      orderId: null,
      sameTransaction: true,
    });
    expect(await movementCount(empty.variantId)).toBe(0);
  });

  test('when someone changes stock by SQL, then "unattributed" by the database user', async () => {
    const product = await createProduct(shop.db.pool, { stock: 7 });

    await shop.db.pool.query(`UPDATE product_variants SET stock = 2 WHERE id = $1`, [product.variantId]);

    expect(await lastMovement(product.variantId)).toEqual({
      change: -5,
      stockAfter: 2,
      reason: 'unattributed',
      actor: 'db:postgres',
      orderId: null,
      sameTransaction: true,
    });
  });

  test('when an UPDATE leaves the stock as it was (another column), then no row', async () => {
    const product = await createProduct(shop.db.pool, { stock: 7 });

    await shop.db.pool.query(`UPDATE product_variants SET price_minor = price_minor + 1 WHERE id = $1`, [product.variantId]);

    expect(await movementCount(product.variantId)).toBe(1);
  });

  test('when a stock change is rolled back, then it leaves no ledger row', async () => {
    const product = await createProduct(shop.db.pool, { stock: 7 });

    await expect(
      inTransaction(shop.db.pool, async (tx) => {
        await takeStock(tx, [{ variantId: product.variantId, quantity: 3 }], { reason: 'checkout', actor: 'customer:test' });
        throw new Error('the order could not be made');
      }),
    ).rejects.toThrow('the order could not be made');

    expect(await stockOf(shop.db.pool, product)).toBe(7);
    expect(await movementCount(product.variantId)).toBe(1);
  });

  test('when a transaction names a movement, then the next statement on the same connection is unattributed again', async () => {
    const product = await createProduct(shop.db.pool, { stock: 7 });
    const client = await shop.db.pool.connect();
    try {
      await client.query('BEGIN');
      await takeStock(client, [{ variantId: product.variantId, quantity: 1 }], { reason: 'checkout', actor: 'customer:test' });
      await client.query('COMMIT');
      await client.query(`UPDATE product_variants SET stock = stock + 1 WHERE id = $1`, [product.variantId]);
    } finally {
      client.release();
    }

    expect(await lastMovement(product.variantId)).toMatchObject({ change: 1, reason: 'unattributed', actor: 'db:postgres' });
  });
});

describe('the ledger under load', () => {
  test('when many customers check out one variant at once, then the ledger adds up to the stock and stock_after is one chain', async () => {
    const product: ProductFixture = await createProduct(shop.db.pool, { stock: 8 });
    const buyers = await Promise.all(Array.from({ length: 14 }, () => createUser(shop.db.pool)));
    await Promise.all(buyers.map((buyer) => fillCart(shop.db.pool, buyer.id, [{ variantId: product.variantId, quantity: 1 }])));

    const answers = await Promise.all(buyers.map((buyer) => checkoutAs(shop.request, buyer)));

    expect(answers.filter((r) => r.status === 201)).toHaveLength(8);
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.code === 'INSUFFICIENT_STOCK')).toBe(true);
    const { rows } = await shop.db.pool.query(`SELECT change, stock_after AS "stockAfter", reason FROM stock_movements WHERE variant_id = $1 ORDER BY id`, [
      product.variantId,
    ]);
    expect(rows.map((r) => r.stockAfter)).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(rows.slice(1).every((r) => r.change === -1 && r.reason === 'checkout')).toBe(true);
    expect(await unbalancedStock(shop.db.pool)).toEqual([]);
  });
});

describe('the drop-time check (createTestDatabase)', () => {
  test('when a ledger row is forged, then unbalancedStock names the variant, and a repaired ledger passes', async () => {
    const product = await createProduct(shop.db.pool, { stock: 4 });
    const { rows } = await shop.db.pool.query<{ id: number }>(
      `INSERT INTO stock_movements (variant_id, change, stock_after, reason, actor) VALUES ($1, 1, 5, 'unattributed', 'test:forged') RETURNING id`,
      [product.variantId],
    );

    expect(await unbalancedStock(shop.db.pool)).toEqual([{ id: product.variantId, stock: 4, ledger: 5, lastStockAfter: 5 }]);

    await shop.db.pool.query(`DELETE FROM stock_movements WHERE id = $1`, [rows[0].id]);
    expect(await unbalancedStock(shop.db.pool)).toEqual([]);
  });

  test('when a database whose ledger does not add up is dropped, then the drop fails saying so (and the database is gone)', async () => {
    const database = await createTestDatabase();
    const db = createDb(database.url, 1);
    const product = await createProduct(db.pool, { stock: 3 });
    await db.pool.query(`INSERT INTO stock_movements (variant_id, change, stock_after, reason, actor) VALUES ($1, -1, 2, 'unattributed', 'test:forged')`, [
      product.variantId,
    ]);
    await db.close();

    await expect(database.drop()).rejects.toThrow(/does not add up to the stock of 1 variant/);
    const name = new URL(database.url).pathname.slice(1);
    expect((await shop.db.pool.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rows).toEqual([]);
  });
});
