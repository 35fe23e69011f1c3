import supertest from 'supertest';
import { useTestShop, type TestApp } from '../helpers/test-app.js';
import { checkoutAs, fillCart, type Line } from '../helpers/orders-fixtures.js';
import { createProduct, createProductWithVariants, createUser, stockOf, type UserFixture } from '../helpers/fixtures.js';

// Many buyers racing for the same stock, through two app instances on one database.
const shop = useTestShop();
let shops: TestApp[];
let agents: ReturnType<typeof supertest>[];

beforeAll(async () => {
  shops = [shop, await shop.another()];
  agents = await Promise.all(shops.map(async (instance) => supertest(await instance.listen())));
});

const pool = () => shops[0].db.pool;

/** Every buyer checks out at the same moment, alternating between the two instances. */
const checkoutAllAtOnce = (buyers: UserFixture[]) => Promise.all(buyers.map((buyer, i) => checkoutAs(agents[i % agents.length], buyer)));

const soldOf = async (variantId: string) =>
  (await pool().query(`SELECT COALESCE(sum(quantity), 0)::int AS sold FROM order_items WHERE variant_id = $1`, [variantId])).rows[0].sold;

describe('POST /api/checkout under contention', () => {
  test('when 100 buyers check out the last 10 units at the same moment, then exactly 10 orders, 90 clean 409s and stock 0', async () => {
    const lastTen = await createProduct(pool(), { stock: 10 });
    const buyers = await Promise.all(Array.from({ length: 100 }, () => createUser(pool())));
    for (const buyer of buyers) await fillCart(pool(), buyer.id, [{ variantId: lastTen.variantId, quantity: 1 }]);

    const answers = await checkoutAllAtOnce(buyers);

    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(90);
    for (const refused of answers.filter((r) => r.status === 409)) {
      expect(refused.body).toMatchObject({
        code: 'INSUFFICIENT_STOCK',
        lines: [{ variantId: lastTen.variantId, productId: lastTen.id, requested: 1, available: 0 }],
      });
    }
    expect(await stockOf(pool(), lastTen)).toBe(0);
    expect(await soldOf(lastTen.variantId)).toBe(10);
    const { rows } = await pool().query(
      `SELECT count(*) FILTER (WHERE ci.variant_id IS NOT NULL) AS carts_still_full FROM users u
         LEFT JOIN carts c ON c.user_id = u.id LEFT JOIN cart_items ci ON ci.cart_id = c.id WHERE u.id = ANY($1::uuid[])`,
      [buyers.map((b) => b.id)],
    );
    expect(rows[0].carts_still_full).toBe(90);
  });

  test('when buyers with overlapping multi-product carts in different orders check out at once, then only 201s and 409s, and stock adds up', async () => {
    const products = await Promise.all(Array.from({ length: 5 }, () => createProduct(pool(), { stock: 12 })));
    const buyers = await Promise.all(Array.from({ length: 60 }, () => createUser(pool())));
    // Buyer i wants 3 neighbouring products, listed forwards or backwards: every pair of carts
    // that overlaps meets the shared rows in a different order unless locks are ordered.
    const cartOf = (i: number): Line[] => {
      const picked = [0, 1, 2].map((k) => products[(i + k) % products.length]);
      return (i % 2 ? picked.reverse() : picked).map((p, k) => ({ variantId: p.variantId, quantity: 1 + ((i + k) % 2) }));
    };
    for (const [i, buyer] of buyers.entries()) await fillCart(pool(), buyer.id, cartOf(i));

    const answers = await checkoutAllAtOnce(buyers);

    expect(answers.map((r) => r.status).filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(answers.some((r) => r.status === 201)).toBe(true);
    expect(answers.some((r) => r.status === 409)).toBe(true);
    for (const refused of answers.filter((r) => r.status === 409)) expect(refused.body.code).toBe('INSUFFICIENT_STOCK');
    for (const product of products) {
      const stock = await stockOf(pool(), product);
      expect(stock).toBeGreaterThanOrEqual(0);
      expect(stock + (await soldOf(product.variantId))).toBe(12);
    }
    // Each successful order holds exactly its buyer's cart.
    for (const [i, answer] of answers.entries()) {
      if (answer.status !== 201) continue;
      const bought = answer.body.items.map((item: { variantId: string; quantity: number }) => ({ variantId: item.variantId, quantity: item.quantity }));
      expect(bought).toEqual(expect.arrayContaining(cartOf(i)));
      expect(bought).toHaveLength(3);
    }
  });

  test("when 40 buyers race for the last 5 units of variant M, with variant L of the same product in the same carts, then exactly 5 orders take M and L's stock moves only by the lines served", async () => {
    const shirt = await createProductWithVariants(pool(), { options: [{ name: 'Size', values: ['M', 'L'] }], variants: [{ stock: 5 }, { stock: 100 }] });
    const [medium, large] = shirt.variants;
    const buyers = await Promise.all(Array.from({ length: 40 }, () => createUser(pool())));
    // even buyers want one M and one L; odd buyers want two L only
    const cartOf = (i: number): Line[] =>
      i % 2
        ? [{ variantId: large.id, quantity: 2 }]
        : [
            { variantId: medium.id, quantity: 1 },
            { variantId: large.id, quantity: 1 },
          ];
    for (const [i, buyer] of buyers.entries()) await fillCart(pool(), buyer.id, cartOf(i));

    const answers = await checkoutAllAtOnce(buyers);

    const placed = (parity: number) => answers.filter((r, i) => i % 2 === parity && r.status === 201).length;
    expect(placed(0)).toBe(5);
    expect(placed(1)).toBe(20);
    for (const refused of answers.filter((r) => r.status !== 201)) {
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'INSUFFICIENT_STOCK', lines: [{ variantId: medium.id, productId: shirt.id, requested: 1, available: 0 }] });
    }
    expect(await stockOf(pool(), medium)).toBe(0);
    expect(await stockOf(pool(), large)).toBe(100 - 5 * 1 - 20 * 2);
    expect([await soldOf(medium.id), await soldOf(large.id)]).toEqual([5, 5 + 40]);
  });
});
