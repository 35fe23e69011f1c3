import { randomUUID } from 'node:crypto';
import { useTestShop } from '../helpers/test-app.js';
import { storedLines } from '../helpers/cart-fixtures.js';
import { createProduct, createUser, type ProductInput, type UserFixture } from '../helpers/fixtures.js';

const shop = useTestShop();

/** A customer whose cart holds `quantity` of a new product. */
async function customerWithLine(quantity: number, product: ProductInput = {}) {
  const customer = await createUser(shop.db.pool);
  const { id: productId, variantId } = await createProduct(shop.db.pool, { stock: 20, ...product });
  await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId, quantity }).expect(200);
  return { customer, productId, variantId };
}

const setQuantity = (customer: UserFixture, variantId: string, body: unknown) =>
  shop.request
    .patch(`/api/cart/items/${variantId}`)
    .set('Authorization', customer.auth)
    .send(body as object);

describe('PATCH /api/cart/items/{variantId}', () => {
  test('when a quantity is set, then the line holds exactly that many', async () => {
    const { customer, variantId } = await customerWithLine(3);

    const res = await setQuantity(customer, variantId, { quantity: 7 }).expect(200);

    expect(res.body.lines).toMatchObject([{ variantId, quantity: 7 }]);
    expect(res.body.itemCount).toBe(7);
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId, quantity: 7 }]);
  });

  test('when the quantity is 0, then the line is removed; again on a removed line, nothing happens', async () => {
    const { customer, variantId } = await customerWithLine(3);

    const removed = await setQuantity(customer, variantId, { quantity: 0 }).expect(200);
    const again = await setQuantity(customer, variantId, { quantity: 0 }).expect(200);

    expect(removed.body).toEqual({ lines: [], subtotalMinor: 0, discount: null, discountMinor: 0, discountedSubtotalMinor: 0, itemCount: 0, currency: 'USD' });
    expect(again.body.lines).toEqual([]);
    expect(await storedLines(shop.db, customer)).toEqual([]);
  });

  test('when the product is not in the cart, then 404 and no line is made', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool);

    const res = await setQuantity(customer, product.variantId, { quantity: 2 }).expect(404);
    await setQuantity(customer, randomUUID(), { quantity: 2 }).expect(404);

    expect(res.body.code).toBe('NOT_FOUND');
    expect(await storedLines(shop.db, customer)).toEqual([]);
  });

  test('when the quantity exceeds the stock, then 409 INSUFFICIENT_STOCK with what is available, and the line is unchanged', async () => {
    const { customer, variantId } = await customerWithLine(2, { stock: 4 });

    const res = await setQuantity(customer, variantId, { quantity: 5 }).expect(409);

    expect(res.body).toMatchObject({ code: 'INSUFFICIENT_STOCK', lines: [{ variantId, requested: 5, available: 4 }] });
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId, quantity: 2 }]);
  });

  test('when the quantity is above 99, then 422 LINE_LIMIT_EXCEEDED and the line is unchanged', async () => {
    const { customer, variantId } = await customerWithLine(2, { stock: 500 });

    const res = await setQuantity(customer, variantId, { quantity: 100 }).expect(422);

    expect(res.body).toMatchObject({ code: 'LINE_LIMIT_EXCEEDED', requested: 100, max: 99 });
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId, quantity: 2 }]);
  });

  test('when the product stopped being sold, then 409 PRODUCT_INACTIVE, and 0 still removes the line', async () => {
    const { customer, productId, variantId } = await customerWithLine(2);
    await shop.db.pool.query(`UPDATE products SET active = false WHERE id = $1`, [productId]);

    const res = await setQuantity(customer, variantId, { quantity: 1 }).expect(409);
    expect(res.body).toMatchObject({ code: 'PRODUCT_INACTIVE', productId });
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId, quantity: 2 }]);

    await setQuantity(customer, variantId, { quantity: 0 }).expect(200);
    expect(await storedLines(shop.db, customer)).toEqual([]);
  });

  test('when the stock fell below the line, then lowering it to the stock clears the warning', async () => {
    const { customer, variantId } = await customerWithLine(5);
    await shop.db.pool.query(`UPDATE product_variants SET stock = 2 WHERE id = $1`, [variantId]);

    await setQuantity(customer, variantId, { quantity: 3 }).expect(409);
    const res = await setQuantity(customer, variantId, { quantity: 2 }).expect(200);

    expect(res.body.lines).toMatchObject([{ variantId, quantity: 2, warnings: [] }]);
  });

  test('when the session token is not valid, then 401 (not a guest cart) and the line is unchanged', async () => {
    const { customer, variantId } = await customerWithLine(2);

    await shop.request.patch(`/api/cart/items/${variantId}`).set('Authorization', 'Bearer not.a.token').send({ quantity: 1 }).expect(401);

    expect(await storedLines(shop.db, customer)).toEqual([{ variantId, quantity: 2 }]);
  });

  describe('bad input', () => {
    test.each([
      ['a negative quantity', { quantity: -1 }, 'quantity'],
      ['a fractional quantity', { quantity: 2.5 }, 'quantity'],
      ['a quantity as a string', { quantity: '3' }, 'quantity'],
      ['a huge quantity', { quantity: 1e12 }, 'quantity'],
      ['no quantity', {}, 'quantity'],
      ['an unknown field', { quantity: 1, productId: randomUUID() }, ''],
    ])('when the body has %s, then 400 naming the field and the line is unchanged', async (_case, body, field) => {
      const { customer, variantId } = await customerWithLine(2);

      const res = await setQuantity(customer, variantId, body).expect(400);

      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(await storedLines(shop.db, customer)).toEqual([{ variantId, quantity: 2 }]);
    });

    test('when the variant id in the path is not a UUID, then 400 and the line is unchanged', async () => {
      const { customer, variantId } = await customerWithLine(2);

      const res = await setQuantity(customer, 'mug', { quantity: 1 }).expect(400);

      expect(res.body.errors[0].path).toBe('variantId');
      expect(await storedLines(shop.db, customer)).toEqual([{ variantId, quantity: 2 }]);
    });
  });
});
