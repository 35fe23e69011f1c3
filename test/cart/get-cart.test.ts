import { useTestShop } from '../helpers/test-app.js';
import { createProduct, createUser, type UserFixture } from '../helpers/fixtures.js';

const shop = useTestShop();

const add = (customer: UserFixture, product: { variantId: string }, quantity: number) =>
  shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity }).expect(200);
const cartOf = (customer: UserFixture) => shop.request.get('/api/cart').set('Authorization', customer.auth);

describe('GET /api/cart', () => {
  test('when the customer has never added anything, then an empty cart in the store currency', async () => {
    const res = await cartOf(await createUser(shop.db.pool)).expect(200);
    expect(res.body).toEqual({ lines: [], subtotalMinor: 0, discount: null, discountMinor: 0, discountedSubtotalMinor: 0, itemCount: 0, currency: 'USD' });
  });

  test('when a price changes after the add, then the cart shows the current price', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { priceMinor: 1000 });
    await add(customer, product, 2);
    await shop.db.pool.query(`UPDATE product_variants SET price_minor = 1200 WHERE id = $1`, [product.variantId]);

    const res = await cartOf(customer).expect(200);

    expect(res.body.lines).toMatchObject([{ unitPriceMinor: 1200, lineTotalMinor: 2400 }]);
    expect(res.body.subtotalMinor).toBe(2400);
  });

  test('when a product became inactive or its stock fell below the line, then that line carries a warning', async () => {
    const customer = await createUser(shop.db.pool);
    const [retired, scarce, fine] = [await createProduct(shop.db.pool), await createProduct(shop.db.pool), await createProduct(shop.db.pool)];
    for (const product of [retired, scarce, fine]) await add(customer, product, 3);
    await shop.db.pool.query(`UPDATE products SET active = false WHERE id = $1`, [retired.id]);
    await shop.db.pool.query(`UPDATE product_variants SET stock = 2 WHERE id = $1`, [scarce.variantId]);

    const res = await cartOf(customer).expect(200);

    expect(res.body.lines.map((l: { productId: string; warnings: string[] }) => [l.productId, l.warnings])).toEqual([
      [retired.id, ['PRODUCT_INACTIVE']],
      [scarce.id, ['INSUFFICIENT_STOCK']],
      [fine.id, []],
    ]);
  });

  test("when customer B reads the cart, then B never sees A's lines", async () => {
    const [a, b] = [await createUser(shop.db.pool), await createUser(shop.db.pool)];
    const product = await createProduct(shop.db.pool);
    await add(a, product, 2);

    const res = await cartOf(b).expect(200);

    expect(res.body.lines).toEqual([]);
    expect((await cartOf(a).expect(200)).body.lines).toHaveLength(1);
  });

  test('when read again with its ETag and nothing changed, then 304; after a change, 200', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool);
    await add(customer, product, 1);
    const first = await cartOf(customer).expect(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');

    await cartOf(customer).set('If-None-Match', first.headers.etag).expect(304);
    await add(customer, product, 1);
    await cartOf(customer).set('If-None-Match', first.headers.etag).expect(200);
  });

  test("when a browser's fetch revalidates with its ETag (it adds Cache-Control: no-cache), then 304 without a body; after a change, 200", async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool);
    await add(customer, product, 1);
    const { etag } = (await cartOf(customer).expect(200)).headers;
    const baseUrl = await shop.listen();
    const revalidate = () => fetch(`${baseUrl}/api/cart`, { headers: { Authorization: customer.auth, 'If-None-Match': etag } });

    const unchanged = await revalidate();
    expect([unchanged.status, unchanged.headers.get('etag'), await unchanged.text()]).toEqual([304, etag, '']);

    await shop.db.pool.query(`UPDATE product_variants SET price_minor = price_minor + 1 WHERE id = $1`, [product.variantId]);
    const changed = await revalidate();
    expect(changed.status).toBe(200);
    expect((await changed.json()).subtotalMinor).toBe(product.priceMinor + 1);
  });

  test('when the session token is forged, then 401 (not a guest cart)', async () => {
    const forged = await shop.request.get('/api/cart').set('Authorization', 'Bearer not.a.token').expect(401);
    expect(forged.body.code).toBe('UNAUTHENTICATED');
  });
});
