import { randomUUID } from 'node:crypto';
import { useTestShop } from '../helpers/test-app.js';
import { storedLines } from '../helpers/cart-fixtures.js';
import { createProduct, createUser } from '../helpers/fixtures.js';

const shop = useTestShop();

const cartsOf = async (clerkUserId: string) =>
  Number((await shop.db.pool.query(`SELECT count(*) AS n FROM carts c JOIN users u ON u.id = c.user_id WHERE u.clerk_user_id = $1`, [clerkUserId])).rows[0].n);

describe('POST /api/cart/items', () => {
  test("when a customer adds a product's variant, then the cart has one line priced now", async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { priceMinor: 1450, stock: 5 });

    const res = await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 2 }).expect(200);

    expect(res.body).toEqual({
      lines: [
        {
          productId: product.id,
          variantId: product.variantId,
          sku: product.sku,
          slug: product.slug,
          title: product.title,
          productTitle: product.title,
          variantTitle: null,
          optionValues: {},
          imageUrl: 'https://img.example/p.jpg',
          unitPriceMinor: 1450,
          currency: 'USD',
          quantity: 2,
          lineTotalMinor: 2900,
          discountMinor: 0,
          stock: 5,
          active: true,
          warnings: [],
        },
      ],
      subtotalMinor: 2900,
      discount: null,
      discountMinor: 0,
      discountedSubtotalMinor: 2900,
      itemCount: 2,
      currency: 'USD',
    });
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 2 }]);
  });

  test('when the same product is added again, then the quantity merges into its one line', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 10 });
    await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 2 }).expect(200);

    const res = await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 3 }).expect(200);

    expect(res.body.lines).toHaveLength(1);
    expect(res.body.lines[0].quantity).toBe(5);
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 5 }]);
  });

  test('when two products are added, then two lines in the order added, and subtotal and item count add up', async () => {
    const customer = await createUser(shop.db.pool);
    const [mug, tea] = [await createProduct(shop.db.pool, { priceMinor: 1800 }), await createProduct(shop.db.pool, { priceMinor: 950 })];
    await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: mug.variantId, quantity: 1 }).expect(200);

    const res = await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: tea.variantId, quantity: 3 }).expect(200);

    expect(res.body.lines.map((l: { variantId: string }) => l.variantId)).toEqual([mug.variantId, tea.variantId]);
    expect(res.body).toMatchObject({ subtotalMinor: 1800 + 3 * 950, itemCount: 4 });
  });

  test('when the resulting quantity exceeds the stock, then 409 INSUFFICIENT_STOCK with what is available, and the line is unchanged', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 5 });
    await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 3 }).expect(200);

    const res = await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 3 }).expect(409);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'INSUFFICIENT_STOCK',
      lines: [{ variantId: product.variantId, productId: product.id, requested: 6, available: 5 }],
    });
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 3 }]);
  });

  test('when a first add exceeds the stock, then 409 and no line and no cart are made', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 0 });

    const res = await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 1 }).expect(409);

    expect(res.body).toMatchObject({
      code: 'INSUFFICIENT_STOCK',
      lines: [{ variantId: product.variantId, productId: product.id, requested: 1, available: 0 }],
    });
    expect(await storedLines(shop.db, customer)).toEqual([]);
    expect(await cartsOf(customer.clerkUserId)).toBe(0);
  });

  test('when the line would hold more than 99, then 422 LINE_LIMIT_EXCEEDED and nothing changes', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 500 });
    await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 60 }).expect(200);

    const merged = await shop.request
      .post('/api/cart/items')
      .set('Authorization', customer.auth)
      .send({ variantId: product.variantId, quantity: 40 })
      .expect(422);
    const single = await shop.request
      .post('/api/cart/items')
      .set('Authorization', customer.auth)
      .send({ variantId: product.variantId, quantity: 100 })
      .expect(422);

    expect(merged.body).toMatchObject({ code: 'LINE_LIMIT_EXCEEDED', variantId: product.variantId, requested: 100, max: 99 });
    expect(single.body).toMatchObject({ code: 'LINE_LIMIT_EXCEEDED', requested: 100, max: 99 });
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 60 }]);
  });

  test('when the variant or the product does not exist, then 404 and no cart is made', async () => {
    const customer = await createUser(shop.db.pool);

    const variant = await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: randomUUID(), quantity: 1 }).expect(404);
    const product = await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ productId: randomUUID(), quantity: 1 }).expect(404);

    expect([variant.body.code, product.body.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(await cartsOf(customer.clerkUserId)).toBe(0);
  });

  test('when the product is no longer sold, then 409 PRODUCT_INACTIVE and nothing changes', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { active: false, stock: 10 });

    const res = await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 1 }).expect(409);

    expect(res.body).toMatchObject({ code: 'PRODUCT_INACTIVE', productId: product.id });
    expect(await storedLines(shop.db, customer)).toEqual([]);
  });

  test('when the session token is not valid, then 401 (not a guest cart) and nothing changes', async () => {
    const product = await createProduct(shop.db.pool);

    const res = await shop.request
      .post('/api/cart/items')
      .set('Authorization', 'Bearer not.a.token')
      .send({ variantId: product.variantId, quantity: 1 })
      .expect(401);

    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect(Number((await shop.db.pool.query(`SELECT count(*) AS n FROM cart_items WHERE variant_id = $1`, [product.variantId])).rows[0].n)).toBe(0);
  });

  describe('bad input', () => {
    test.each([
      ['a quantity of 0', { quantity: 0 }, 'quantity'],
      ['a negative quantity', { quantity: -1 }, 'quantity'],
      ['a fractional quantity', { quantity: 1.5 }, 'quantity'],
      ['a quantity as a string', { quantity: '2' }, 'quantity'],
      ['a quantity past 32 bits', { quantity: 2 ** 31 }, 'quantity'],
      ['a huge quantity', { quantity: 1e20 }, 'quantity'],
      ['a null quantity', { quantity: null }, 'quantity'],
      ['no quantity', { quantity: undefined }, 'quantity'],
      ['no variant id', { variantId: undefined }, 'variantId'],
      ['a variant id that is not a UUID', { variantId: 'mug' }, 'variantId'],
      ['a product id that is not a UUID', { variantId: undefined, productId: 'mug' }, 'productId'],
      ['both a variant id and a product id', { productId: randomUUID() }, 'variantId'],
      ['an unknown field', { price: 1 }, ''],
    ])('when the body has %s, then 400 naming the field and the cart is unchanged', async (_case, change, field) => {
      const customer = await createUser(shop.db.pool);
      const product = await createProduct(shop.db.pool);
      await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 1 }).expect(200);

      const res = await shop.request
        .post('/api/cart/items')
        .set('Authorization', customer.auth)
        .send({ variantId: product.variantId, quantity: 1, ...change })
        .expect(400);

      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 1 }]);
    });

    test('when the body is not a JSON object, then 400 and the cart is unchanged', async () => {
      const customer = await createUser(shop.db.pool);
      const product = await createProduct(shop.db.pool);
      await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId: product.variantId, quantity: 1 }).expect(200);

      await shop.request
        .post('/api/cart/items')
        .set('Authorization', customer.auth)
        .send([{ variantId: product.variantId, quantity: 1 }])
        .expect(400);
      await shop.request.post('/api/cart/items').set('Authorization', customer.auth).set('Content-Type', 'text/plain').send('2 mugs').expect(400);

      expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 1 }]);
    });
  });
});
