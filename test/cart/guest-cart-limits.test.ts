import { useTestShop } from '../helpers/test-app.js';
import { storedLines } from '../helpers/cart-fixtures.js';
import { createProduct, createUser } from '../helpers/fixtures.js';

const shop = useTestShop({ env: { GUEST_CARTS_PER_IP_PER_WINDOW: '2', CART_MAX_LINES: '2' } });

const guestCarts = async () => Number((await shop.db.pool.query(`SELECT count(*) AS n FROM carts WHERE token_hash IS NOT NULL`)).rows[0].n);

describe('guest cart limits', () => {
  test('when one IP starts more guest carts than GUEST_CARTS_PER_IP_PER_WINDOW, then 429 RATE_LIMITED and no cart, while its carts with a token and customers go on', async () => {
    const product = await createProduct(shop.db.pool, { stock: 50 });
    const customer = await createUser(shop.db.pool);
    const tokens = [];
    for (let i = 0; i < 2; i++)
      tokens.push((await shop.request.post('/api/cart/items').send({ variantId: product.variantId, quantity: 1 }).expect(200)).body.cartToken);

    const refused = await shop.request.post('/api/cart/items').send({ variantId: product.variantId, quantity: 1 }).expect(429);

    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(await guestCarts()).toBe(2);
    await shop.request.post('/api/cart/items').set('X-Cart-Token', tokens[0]).send({ variantId: product.variantId, quantity: 1 }).expect(200);
    await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 1 }).expect(200);
  });

  test('when a new line would exceed CART_MAX_LINES, then 422 CART_FULL and the cart is unchanged; adding to a line it holds still works', async () => {
    const customer = await createUser(shop.db.pool);
    const [a, b, c] = [await createProduct(shop.db.pool), await createProduct(shop.db.pool), await createProduct(shop.db.pool)];
    for (const p of [a, b])
      await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: p.variantId, quantity: 1 }).expect(200);

    const res = await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: c.variantId, quantity: 1 }).expect(422);

    expect(res.body).toMatchObject({ code: 'CART_FULL', maxLines: 2 });
    await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: a.variantId, quantity: 1 }).expect(200);
    expect(await storedLines(shop.db, customer)).toEqual([
      { variantId: a.variantId, quantity: 2 },
      { variantId: b.variantId, quantity: 1 },
    ]);
  });

  test('when a merge would bring a new line beyond CART_MAX_LINES, then the line is left out as CART_FULL', async () => {
    const customer = await createUser(shop.db.pool);
    const [a, b, c] = [await createProduct(shop.db.pool), await createProduct(shop.db.pool), await createProduct(shop.db.pool)];
    for (const p of [a, b])
      await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: p.variantId, quantity: 1 }).expect(200);
    await shop.db.pool.query(`DELETE FROM rate_limit_hits`);
    const token = (await shop.request.post('/api/cart/items').send({ variantId: c.variantId, quantity: 1 }).expect(200)).body.cartToken;

    const res = await shop.request.post('/api/cart/merge').set('Authorization', customer.auth).send({ cartToken: token }).expect(200);

    expect(res.body.mergeAdjustments).toEqual([{ variantId: c.variantId, requested: 1, quantity: 0, reason: 'CART_FULL' }]);
    expect(await storedLines(shop.db, customer)).toEqual([
      { variantId: a.variantId, quantity: 1 },
      { variantId: b.variantId, quantity: 1 },
    ]);
  });
});
