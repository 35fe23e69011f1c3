import supertest from 'supertest';
import { useTestShop } from '../helpers/test-app.js';
import { checkoutAs, fillCart, snapshot } from '../helpers/orders-fixtures.js';
import { inTransaction } from '../../src/shared/db.js';
import { takeStock } from '../../src/catalog/stock.js';
import { createProduct, createProductWithVariants, createUser, stockOf, type ProductFixture } from '../helpers/fixtures.js';

let http: ReturnType<typeof supertest>; // over a real socket, for many requests at once

const shop = useTestShop();

/** An order line's identity as sold, for a product made with createProduct (no options). */
const soldLine = (product: ProductFixture, title: string) => ({
  id: expect.any(String),
  productId: product.id,
  variantId: product.variantId,
  sku: product.sku,
  title,
  productTitle: title,
  variantTitle: null,
  optionValues: {},
  discountMinor: 0,
  taxMinor: 0,
  refundedQuantity: 0,
});
beforeAll(async () => {
  http = supertest(await shop.listen());
});

const orderCount = async (userId: string) => (await shop.db.pool.query(`SELECT count(*) AS n FROM orders WHERE user_id = $1`, [userId])).rows[0].n;

describe('POST /api/checkout', () => {
  test('when the cart has lines in stock, then 201 with the order, and the stock, items, cart and history follow', async () => {
    const buyer = await createUser(shop.db.pool);
    const mug = await createProduct(shop.db.pool, { stock: 5, priceMinor: 1250, title: 'Mug' });
    const tea = await createProduct(shop.db.pool, { stock: 3, priceMinor: 499, title: 'Tea' });
    await fillCart(shop.db.pool, buyer.id, [
      { variantId: mug.variantId, quantity: 2 },
      { variantId: tea.variantId, quantity: 3 },
    ]);

    const res = await checkoutAs(shop.request, buyer).expect(201);

    expect(res.headers.location).toBe(`/api/orders/${res.body.id}`);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.body).toMatchObject({
      status: 'AWAITING_PAYMENT',
      currency: 'USD',
      subtotalMinor: 2 * 1250 + 3 * 499,
      totalMinor: 2 * 1250 + 3 * 499,
      itemCount: 5,
      payments: [],
      shipping: { carrier: null, trackingNumber: null, trackingUrl: null, shippedAt: null, deliveredAt: null },
      history: [{ from: null, to: 'AWAITING_PAYMENT', actor: 'customer', reason: null }],
    });
    expect(res.body.items).toEqual([
      { ...soldLine(mug, 'Mug'), unitPriceMinor: 1250, quantity: 2, lineTotalMinor: 2500 },
      { ...soldLine(tea, 'Tea'), unitPriceMinor: 499, quantity: 3, lineTotalMinor: 1497 },
    ]);

    const { rows: orders } = await shop.db.pool.query(
      `SELECT status, user_id, total_minor, expires_at - created_at = make_interval(mins => $2) AS ttl_applied FROM orders WHERE id = $1`,
      [res.body.id, shop.config.ORDER_TTL_MINUTES],
    );
    expect(orders).toEqual([{ status: 'AWAITING_PAYMENT', user_id: buyer.id, total_minor: 3997, ttl_applied: true }]);
    const { rows: history } = await shop.db.pool.query(`SELECT from_status, to_status, actor FROM order_status_changes WHERE order_id = $1`, [res.body.id]);
    expect(history).toEqual([{ from_status: null, to_status: 'AWAITING_PAYMENT', actor: `customer:${buyer.id}` }]);
    expect(await stockOf(shop.db.pool, mug)).toBe(3);
    expect(await stockOf(shop.db.pool, tea)).toBe(0);
    expect((await snapshot(shop.db.pool, { userIds: [buyer.id] })).cart_items).toBeNull();
  });

  test('when the catalog changes after checkout, then the order keeps the price and title it was sold at', async () => {
    const buyer = await createUser(shop.db.pool);
    const lamp = await createProduct(shop.db.pool, { stock: 1, priceMinor: 3000, title: 'Lamp' });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: lamp.variantId, quantity: 1 }]);
    const placed = await checkoutAs(shop.request, buyer).expect(201);

    await shop.db.pool.query(`UPDATE products SET title = 'Renamed' WHERE id = $1`, [lamp.id]);
    await shop.db.pool.query(`UPDATE product_variants SET price_minor = 9999, sku = 'RENAMED-SKU' WHERE id = $1`, [lamp.variantId]);

    const res = await shop.request.get(`/api/orders/${placed.body.id}`).set('Authorization', `Bearer ${buyer.token}`).expect(200);
    expect(res.body.items).toEqual([{ ...soldLine(lamp, 'Lamp'), unitPriceMinor: 3000, quantity: 1, lineTotalMinor: 3000 }]);
    expect(res.body.totalMinor).toBe(3000);
  });

  test('when the cart is empty or was never made, then 422 CART_EMPTY and nothing changes', async () => {
    const neverShopped = await createUser(shop.db.pool);
    const emptied = await createUser(shop.db.pool);
    await fillCart(shop.db.pool, emptied.id, []);
    const before = await snapshot(shop.db.pool, { userIds: [neverShopped.id, emptied.id] });

    for (const buyer of [neverShopped, emptied]) {
      const res = await checkoutAs(shop.request, buyer).expect(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('CART_EMPTY');
    }

    expect(await snapshot(shop.db.pool, { userIds: [neverShopped.id, emptied.id] })).toEqual(before);
  });

  test('when some lines cannot be served, then 409 INSUFFICIENT_STOCK lists every short line and nothing changes', async () => {
    const buyer = await createUser(shop.db.pool);
    const plenty = await createProduct(shop.db.pool, { stock: 10 });
    const scarce = await createProduct(shop.db.pool, { stock: 2 });
    const retired = await createProduct(shop.db.pool, { stock: 50, active: false });
    await fillCart(shop.db.pool, buyer.id, [
      { variantId: plenty.variantId, quantity: 1 },
      { variantId: scarce.variantId, quantity: 3 },
      { variantId: retired.variantId, quantity: 1 },
    ]);
    const ids = { userIds: [buyer.id], variantIds: [plenty.variantId, scarce.variantId, retired.variantId] };
    const before = await snapshot(shop.db.pool, ids);

    const res = await checkoutAs(shop.request, buyer).expect(409);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('INSUFFICIENT_STOCK');
    expect(res.body.lines).toEqual(
      expect.arrayContaining([
        { variantId: scarce.variantId, productId: scarce.id, requested: 3, available: 2 },
        { variantId: retired.variantId, productId: retired.id, requested: 1, available: 0 },
      ]),
    );
    expect(res.body.lines).toHaveLength(2);
    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
  });

  test('when expectedTotalMinor no longer matches the cart, then 409 CART_CHANGED and nothing changes; when it matches, then 201', async () => {
    const buyer = await createUser(shop.db.pool);
    const book = await createProduct(shop.db.pool, { stock: 4, priceMinor: 1500 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: book.variantId, quantity: 2 }]);
    const ids = { userIds: [buyer.id], variantIds: [book.variantId] };
    const before = await snapshot(shop.db.pool, ids);

    const stale = await checkoutAs(shop.request, buyer, { body: { expectedTotalMinor: 2000 } }).expect(409);

    expect(stale.body).toMatchObject({ code: 'CART_CHANGED', expectedTotalMinor: 2000, totalMinor: 3000 });
    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
    await checkoutAs(shop.request, buyer, { body: { expectedTotalMinor: 3000 } }).expect(201);
    expect(await stockOf(shop.db.pool, book)).toBe(2);
  });

  test('when nobody is signed in, then 401 and nothing changes', async () => {
    const res = await shop.request.post('/api/checkout').expect(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  test.each([
    ['an unknown field in the body', { body: { coupon: 'FREE' } }],
    ['a negative expected total', { body: { expectedTotalMinor: -1 } }],
    ['a fractional expected total', { body: { expectedTotalMinor: 10.5 } }],
    ['a text expected total', { body: { expectedTotalMinor: '100' } }],
    ['an empty Idempotency-Key', { key: '' }],
    ['an Idempotency-Key of 256 characters', { key: 'k'.repeat(256) }],
    ['an Idempotency-Key holding a space', { key: 'two words' }],
  ])('when the request has %s, then 400 problem+json and nothing changes', async (_what, request) => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 1 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity: 1 }]);
    const ids = { userIds: [buyer.id], variantIds: [item.variantId] };
    const before = await snapshot(shop.db.pool, ids);

    const res = await checkoutAs(shop.request, buyer, request).expect(400);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
  });

  test('when the same cart is checked out twice at once without a key, then one order and one 422 CART_EMPTY', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 10 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity: 2 }]);

    const answers = await Promise.all([checkoutAs(http, buyer), checkoutAs(http, buyer)]);

    expect(answers.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(await orderCount(buyer.id)).toBe(1);
    expect(await stockOf(shop.db.pool, item)).toBe(8);
  });
});

describe('POST /api/checkout with variants', () => {
  test('when the cart holds two variants of one product, then each line snapshots its variant, SKU, titles and option values, and later catalog edits leave the order alone', async () => {
    const buyer = await createUser(shop.db.pool);
    const shirt = await createProductWithVariants(shop.db.pool, {
      title: 'T-shirt',
      options: [
        { name: 'Size', values: ['M', 'L'] },
        { name: 'Colour', values: ['Red'] },
      ],
      variants: [
        { optionValues: { Size: 'M', Colour: 'Red' }, priceMinor: 1500, stock: 4 },
        { optionValues: { Colour: 'Red', Size: 'L' }, priceMinor: 1700, stock: 4 },
      ],
    });
    const [medium, large] = shirt.variants;
    await fillCart(shop.db.pool, buyer.id, [
      { variantId: medium.id, quantity: 1 },
      { variantId: large.id, quantity: 2 },
    ]);

    const res = await checkoutAs(shop.request, buyer).expect(201);
    await shop.db.pool.query(`UPDATE product_options SET name = 'Fit' WHERE product_id = $1 AND name = 'Size'`, [shirt.id]);
    await shop.db.pool.query(`UPDATE product_variants SET price_minor = 1, sku = sku || '-OLD' WHERE product_id = $1`, [shirt.id]);
    const later = await shop.request.get(`/api/orders/${res.body.id}`).set('Authorization', buyer.auth).expect(200);

    const sold = [
      {
        productId: shirt.id,
        variantId: large.id,
        sku: large.sku,
        title: 'T-shirt — L / Red',
        productTitle: 'T-shirt',
        variantTitle: 'L / Red',
        optionValues: { Size: 'L', Colour: 'Red' },
        unitPriceMinor: 1700,
        quantity: 2,
        lineTotalMinor: 3400,
        discountMinor: 0,
        taxMinor: 0,
        id: expect.any(String),
        refundedQuantity: 0,
      },
      {
        productId: shirt.id,
        variantId: medium.id,
        sku: medium.sku,
        title: 'T-shirt — M / Red',
        productTitle: 'T-shirt',
        variantTitle: 'M / Red',
        optionValues: { Size: 'M', Colour: 'Red' },
        unitPriceMinor: 1500,
        quantity: 1,
        lineTotalMinor: 1500,
        discountMinor: 0,
        taxMinor: 0,
        id: expect.any(String),
        refundedQuantity: 0,
      },
    ].sort((a, b) => (a.sku < b.sku ? -1 : 1)); // order lines read by title, then SKU
    expect(res.body).toMatchObject({ subtotalMinor: 4900, totalMinor: 4900, itemCount: 3 });
    expect(res.body.items).toEqual(sold);
    expect(later.body.items).toEqual(sold);
    expect([await stockOf(shop.db.pool, medium), await stockOf(shop.db.pool, large)]).toEqual([3, 2]);
  });

  test("when a line's variant was deactivated after it was added, then 409 INSUFFICIENT_STOCK lists that line (nothing available) and nothing changes", async () => {
    const buyer = await createUser(shop.db.pool);
    const shirt = await createProductWithVariants(shop.db.pool, { options: [{ name: 'Size', values: ['M', 'L'] }], stock: 10 });
    const [medium, large] = shirt.variants;
    await fillCart(shop.db.pool, buyer.id, [
      { variantId: medium.id, quantity: 1 },
      { variantId: large.id, quantity: 1 },
    ]);
    await shop.db.pool.query(`UPDATE product_variants SET active = false WHERE id = $1`, [large.id]);
    const ids = { userIds: [buyer.id], variantIds: [medium.id, large.id] };
    const before = await snapshot(shop.db.pool, ids);

    const res = await checkoutAs(shop.request, buyer).expect(409);

    expect(res.body).toMatchObject({ code: 'INSUFFICIENT_STOCK', lines: [{ variantId: large.id, productId: shirt.id, requested: 1, available: 0 }] });
    expect(res.body.lines).toHaveLength(1);
    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
  });
});

describe('stock locks', () => {
  test("when a checkout holds a product's row, then another buyer can still put that product in their cart without waiting", async () => {
    const hot = await createProduct(shop.db.pool, { stock: 10 });
    const other = await createUser(shop.db.pool);
    const { rows } = await shop.db.pool.query(`INSERT INTO carts (user_id) VALUES ($1) RETURNING id`, [other.id]);

    await inTransaction(shop.db.pool, async (tx) => {
      await takeStock(tx, [{ variantId: hot.variantId, quantity: 1 }], { reason: 'checkout', actor: 'customer:test' });
      // lock_timeout turns "blocked behind the checkout" into an error instead of a hang
      await inTransaction(shop.db.pool, async (cartTx) => {
        await cartTx.query(`SET LOCAL lock_timeout = '5s'`);
        await cartTx.query(`INSERT INTO cart_items (cart_id, variant_id, quantity) VALUES ($1, $2, 1)`, [rows[0].id, hot.variantId]);
      });
    });

    expect((await snapshot(shop.db.pool, { userIds: [other.id] })).cart_items).toEqual([{ variant_id: hot.variantId, quantity: 1 }]);
    expect(await stockOf(shop.db.pool, hot)).toBe(9);
  });
});

describe('POST /api/checkout with an Idempotency-Key', () => {
  test('when the same key and body come again, then the first answer is replayed and no second order is made, even with a new cart', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 10 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity: 1 }]);
    const first = await checkoutAs(shop.request, buyer, { key: 'order-attempt-1' }).expect(201);
    await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity: 4 }]);

    const again = await checkoutAs(shop.request, buyer, { key: 'order-attempt-1' }).expect(201);

    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.body).toEqual(first.body);
    expect(await orderCount(buyer.id)).toBe(1);
    expect(await stockOf(shop.db.pool, item)).toBe(9);
    expect((await snapshot(shop.db.pool, { userIds: [buyer.id] })).cart_items).toEqual([{ variant_id: item.variantId, quantity: 4 }]);
  });

  test('when 20 identical checkouts with one key arrive at once, then one order is made and all 20 answers are the same', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 100 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity: 3 }]);

    const answers = await Promise.all(Array.from({ length: 20 }, () => checkoutAs(http, buyer, { key: 'burst', body: { expectedTotalMinor: 3000 } })));

    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(201));
    for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
    expect(answers.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(await orderCount(buyer.id)).toBe(1);
    expect(await stockOf(shop.db.pool, item)).toBe(97);
  });

  test('when 20 identical checkouts with one key arrive at once and the cart cannot be served, then 20 identical 409s and nothing is kept', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 1 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity: 2 }]);
    const ids = { userIds: [buyer.id], variantIds: [item.variantId] };
    const before = await snapshot(shop.db.pool, ids);

    const answers = await Promise.all(Array.from({ length: 20 }, () => checkoutAs(http, buyer, { key: 'doomed' })));

    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(409));
    for (const answer of answers) expect(answer.body.lines).toEqual([{ variantId: item.variantId, productId: item.id, requested: 2, available: 1 }]);
    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
  });

  test('when the same key comes with a different body, then 422 IDEMPOTENCY_KEY_REUSED and nothing changes', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 10 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity: 1 }]);
    await checkoutAs(shop.request, buyer, { key: 'k-1', body: { expectedTotalMinor: 1000 } }).expect(201);
    await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity: 2 }]);
    const ids = { userIds: [buyer.id], variantIds: [item.variantId] };
    const before = await snapshot(shop.db.pool, ids);

    const res = await checkoutAs(shop.request, buyer, { key: 'k-1', body: { expectedTotalMinor: 2000 } }).expect(422);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
  });

  test('when a checkout with a key was refused, then the key is not used up: the retry after fixing the cart makes the order', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 1 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity: 2 }]);
    await checkoutAs(shop.request, buyer, { key: 'retry-me' }).expect(409);
    expect((await snapshot(shop.db.pool, { userIds: [buyer.id] })).idempotency_keys).toBe(0);

    await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity: 1 }]);
    const res = await checkoutAs(shop.request, buyer, { key: 'retry-me' }).expect(201);

    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(await orderCount(buyer.id)).toBe(1);
    const { rows } = await shop.db.pool.query(`SELECT response_status, order_id FROM idempotency_keys WHERE user_id = $1 AND key = 'retry-me'`, [buyer.id]);
    expect(rows).toEqual([{ response_status: 201, order_id: res.body.id }]);
  });

  test('when two users use the same key, then each gets their own order', async () => {
    const [ann, bob] = [await createUser(shop.db.pool), await createUser(shop.db.pool)];
    const item = await createProduct(shop.db.pool, { stock: 10 });
    await fillCart(shop.db.pool, ann.id, [{ variantId: item.variantId, quantity: 1 }]);
    await fillCart(shop.db.pool, bob.id, [{ variantId: item.variantId, quantity: 1 }]);

    const forAnn = await checkoutAs(shop.request, ann, { key: 'same-key' }).expect(201);
    const forBob = await checkoutAs(shop.request, bob, { key: 'same-key' }).expect(201);

    expect(forBob.body.id).not.toBe(forAnn.body.id);
    expect(forBob.headers['idempotent-replayed']).toBeUndefined();
    expect(await stockOf(shop.db.pool, item)).toBe(8);
  });
});
