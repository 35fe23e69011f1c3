import supertest from 'supertest';
import { useTestShop, type TestApp } from '../helpers/test-app.js';
import { storedLines } from '../helpers/cart-fixtures.js';
import { createProduct, createProductWithVariants, createUser, type UserFixture } from '../helpers/fixtures.js';

const shop = useTestShop();
let second: TestApp;
let urls: string[];
beforeAll(async () => {
  second = await shop.another(); // a second instance on the same database
  urls = [await shop.listen(), await second.listen()];
});

/** Fires every add at once (spread over both app instances) and returns the statuses. */
async function addAtOnce(customer: UserFixture, variantIds: string | string[], quantities: number[]): Promise<number[]> {
  const answers = await Promise.all(
    quantities.map((quantity, i) =>
      supertest(urls[i % urls.length])
        .post('/api/cart/items')
        .set('Authorization', customer.auth)
        .send({ variantId: typeof variantIds === 'string' ? variantIds : variantIds[i % variantIds.length], quantity }),
    ),
  );
  return answers.map((res) => res.status);
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe('concurrent adds of one product to one cart', () => {
  test('when 30 adds of 1 race with stock to spare, then one line of exactly 30', async () => {
    const customer = await createUser(shop.db.pool); // brand new: user, cart and line are all made in the race
    const product = await createProduct(shop.db.pool, { stock: 100 });

    const statuses = await addAtOnce(customer, product.variantId, Array(30).fill(1));

    expect(count(statuses, 200)).toBe(30);
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 30 }]);
  });

  test('when 30 adds of 1 race for a stock of 10, then exactly 10 are accepted and the rest are 409', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 10 });

    const statuses = await addAtOnce(customer, product.variantId, Array(30).fill(1));

    expect(count(statuses, 200)).toBe(10);
    expect(count(statuses, 409)).toBe(20);
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 10 }]);
  });

  test('when 40 adds of 3 race against the 99 line limit, then the line is 3 times the accepted adds and never above 99', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 1000 });

    const statuses = await addAtOnce(customer, product.variantId, Array(40).fill(3));

    expect(count(statuses, 200)).toBe(33);
    expect(count(statuses, 422)).toBe(7);
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: product.variantId, quantity: 99 }]);
  });

  test('when adds of mixed sizes race, then the line is the exact sum of the accepted ones', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 25 });
    const quantities = [5, 1, 4, 2, 3, 5, 1, 4, 2, 3, 5, 1, 4, 2, 3];

    const statuses = await addAtOnce(customer, product.variantId, quantities);

    const accepted = quantities.filter((_q, i) => statuses[i] === 200).reduce((sum, q) => sum + q, 0);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const [line] = await storedLines(shop.db, customer);
    expect(line.quantity).toBe(accepted);
    expect(accepted).toBeLessThanOrEqual(25);
    expect(accepted).toBeGreaterThan(25 - 5); // refused only when no room was left for that add
  });

  test('when adds of two variants of one product race, then each variant gets its own line, capped by its own stock', async () => {
    const customer = await createUser(shop.db.pool);
    const shirt = await createProductWithVariants(shop.db.pool, {
      options: [{ name: 'Size', values: ['M', 'L'] }],
      variants: [{ stock: 5 }, { stock: 50 }],
    });
    const [medium, large] = shirt.variants;

    const statuses = await addAtOnce(customer, [medium.id, large.id], Array(40).fill(1));

    expect(statuses.filter((s, i) => i % 2 === 0 && s === 200)).toHaveLength(5);
    expect(statuses.filter((s, i) => i % 2 === 1 && s === 200)).toHaveLength(20);
    const lines = await storedLines(shop.db, customer);
    expect(lines.sort((a, b) => a.quantity - b.quantity)).toEqual([
      { variantId: medium.id, quantity: 5 },
      { variantId: large.id, quantity: 20 },
    ]);
  });
});
