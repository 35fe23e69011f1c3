import { useTestShop } from '../helpers/test-app.js';
import { storedLines } from '../helpers/cart-fixtures.js';
import { createProduct, createUser, type UserFixture } from '../helpers/fixtures.js';

const shop = useTestShop();

/** A customer whose cart holds one unit of each of `count` new products (their one variant). */
async function customerWithLines(count: number): Promise<{ customer: UserFixture; variantIds: string[] }> {
  const customer = await createUser(shop.db.pool);
  const variantIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const { variantId } = await createProduct(shop.db.pool);
    await shop.request.post('/api/cart/items').set('Authorization', customer.auth).send({ variantId, quantity: 1 }).expect(200);
    variantIds.push(variantId);
  }
  return { customer, variantIds };
}

describe('DELETE /api/cart/items/{variantId}', () => {
  test('when a line is removed, then 204 and only that line is gone; removing it again is still 204', async () => {
    const {
      customer,
      variantIds: [mug, tea],
    } = await customerWithLines(2);

    const res = await shop.request.delete(`/api/cart/items/${mug}`).set('Authorization', customer.auth).expect(204);
    await shop.request.delete(`/api/cart/items/${mug}`).set('Authorization', customer.auth).expect(204);

    expect(res.text).toBe('');
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: tea, quantity: 1 }]);
  });

  test('when the variant id is not a UUID, then 400 and the cart is unchanged', async () => {
    const {
      customer,
      variantIds: [mug],
    } = await customerWithLines(1);

    const res = await shop.request.delete('/api/cart/items/mug').set('Authorization', customer.auth).expect(400);

    expect(res.body.errors[0].path).toBe('variantId');
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: mug, quantity: 1 }]);
  });

  test('when the session token is not valid, then 401 (not a guest cart) and the cart is unchanged', async () => {
    const {
      customer,
      variantIds: [mug],
    } = await customerWithLines(1);

    await shop.request.delete(`/api/cart/items/${mug}`).set('Authorization', 'Bearer not.a.token').expect(401);

    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: mug, quantity: 1 }]);
  });
});

describe('DELETE /api/cart', () => {
  test("when the cart is emptied, then 204, no lines remain, and another customer's cart is untouched", async () => {
    const { customer } = await customerWithLines(2);
    const other = await customerWithLines(1);

    await shop.request.delete('/api/cart').set('Authorization', customer.auth).expect(204);

    expect(await storedLines(shop.db, customer)).toEqual([]);
    expect(await storedLines(shop.db, other.customer)).toEqual([{ variantId: other.variantIds[0], quantity: 1 }]);
    const cart = await shop.request.get('/api/cart').set('Authorization', customer.auth).expect(200);
    expect(cart.body.lines).toEqual([]);
  });

  test('when a customer without a cart empties it, then 204', async () => {
    const customer = await createUser(shop.db.pool);
    await shop.request.delete('/api/cart').set('Authorization', customer.auth).expect(204);
  });

  test('when the session token is not valid, then 401 (not a guest cart)', async () => {
    const res = await shop.request.delete('/api/cart').set('Authorization', 'Bearer not.a.token').expect(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});
