// Discount codes by story: staff make them, a customer applies one to the cart, the quote and
// checkout take it off (and count its use in checkout's transaction), and an order that lets go
// unpaid gives the use back once.
import supertest from 'supertest';
import { useTestShop } from '../helpers/test-app.js';
import { checkoutAs, fillCart } from '../helpers/orders-fixtures.js';
import { createCategory, createOrder, createProduct, createUser, type UserFixture } from '../helpers/fixtures.js';
import { discountFor, recordUse } from '../../src/promotions/discount-codes.js';
import { createShippingMethod, createTaxRate, DELIVERY, setStoreTax, TEST_ADDRESS } from '../helpers/delivery-fixtures.js';
import { inTransaction } from '../../src/shared/db.js';
import { transition } from '../../src/orders/state-machine.js';
import { expireOverdueOrders } from '../../src/orders/expiry-job.js';

const shop = useTestShop();
let http: ReturnType<typeof supertest>;
let staff: UserFixture;
beforeAll(async () => {
  http = supertest(await shop.listen());
  staff = await createUser(shop.db.pool, { role: 'admin' });
});

let codeSeq = 0;
const newCodeText = () => `SAVE${Date.now().toString(36).toUpperCase()}${codeSeq++}`;

/** A code through the staff route. */
async function createCode(body: Record<string, unknown>) {
  const res = await shop.request
    .post('/api/admin/discount-codes')
    .set('Authorization', staff.auth)
    .send({ code: newCodeText(), ...body });
  if (res.status !== 201) throw new Error(`create code: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; code: string };
}

const apply = (buyer: UserFixture, code: string, request = shop.request) => request.post('/api/cart/discount').set('Authorization', buyer.auth).send({ code });
const usedCount = async (id: string) => (await shop.db.pool.query(`SELECT used_count FROM discount_codes WHERE id = $1`, [id])).rows[0].used_count;
const liveUses = async (id: string) =>
  Number((await shop.db.pool.query(`SELECT count(*) AS n FROM discount_code_uses WHERE discount_code_id = $1 AND released_at IS NULL`, [id])).rows[0].n);
const cartCodeOf = async (userId: string) =>
  (await shop.db.pool.query(`SELECT discount_code_id AS id FROM carts WHERE user_id = $1`, [userId])).rows[0]?.id ?? null;

async function buyerWith(priceMinor: number, quantity = 1, product?: { categoryId?: string }) {
  const buyer = await createUser(shop.db.pool);
  const item = await createProduct(shop.db.pool, { priceMinor, stock: 1000, ...product });
  await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity }]);
  return { buyer, item };
}

describe('POST /api/cart/discount', () => {
  test('when the code applies (any case), then 200 with the cart discounted per line, and the cart keeps the code', async () => {
    const code = await createCode({ type: 'percentage', value: 10 });
    const buyer = await createUser(shop.db.pool);
    const a = await createProduct(shop.db.pool, { priceMinor: 999, stock: 5 });
    const b = await createProduct(shop.db.pool, { priceMinor: 1001, stock: 5 });
    await fillCart(shop.db.pool, buyer.id, [
      { variantId: a.variantId, quantity: 1 },
      { variantId: b.variantId, quantity: 1 },
    ]);

    const res = await apply(buyer, code.code.toLowerCase()).expect(200);

    expect(res.body).toMatchObject({
      subtotalMinor: 2000,
      discount: { code: code.code, type: 'percentage', amountMinor: 200, refusal: null },
      discountMinor: 200,
      discountedSubtotalMinor: 1800,
    });
    expect(res.body.lines.map((l: { discountMinor: number }) => l.discountMinor)).toEqual([100, 100]);
    expect(await cartCodeOf(buyer.id)).toBe(code.id);
  });

  const refusals: [string, number, () => Promise<{ code: string; buyer: UserFixture }>][] = [
    ['DISCOUNT_CODE_UNKNOWN', 422, async () => ({ code: 'NO-SUCH-CODE', buyer: (await buyerWith(1000)).buyer })],
    [
      'DISCOUNT_INACTIVE',
      422,
      async () => ({ code: (await createCode({ type: 'percentage', value: 5, active: false })).code, buyer: (await buyerWith(1000)).buyer }),
    ],
    [
      'DISCOUNT_NOT_STARTED',
      422,
      async () => ({
        code: (await createCode({ type: 'percentage', value: 5, startsAt: new Date(Date.now() + 86_400_000).toISOString() })).code,
        buyer: (await buyerWith(1000)).buyer,
      }),
    ],
    [
      'DISCOUNT_ENDED',
      422,
      async () => ({
        code: (await createCode({ type: 'percentage', value: 5, startsAt: '2020-01-01T00:00:00Z', endsAt: '2020-02-01T00:00:00Z' })).code,
        buyer: (await buyerWith(1000)).buyer,
      }),
    ],
    [
      'DISCOUNT_MINIMUM_NOT_REACHED',
      422,
      async () => ({ code: (await createCode({ type: 'fixed_amount', value: 100, minSubtotalMinor: 5000 })).code, buyer: (await buyerWith(4999)).buyer }),
    ],
    [
      'DISCOUNT_NOT_APPLICABLE',
      422,
      async () => {
        const elsewhere = await createCategory(shop.db.pool);
        return { code: (await createCode({ type: 'percentage', value: 5, categoryIds: [elsewhere.id] })).code, buyer: (await buyerWith(1000)).buyer };
      },
    ],
    [
      'DISCOUNT_EXHAUSTED',
      409,
      async () => {
        const code = await createCode({ type: 'percentage', value: 5, usageLimit: 1 });
        const first = await buyerWith(1000);
        await apply(first.buyer, code.code).expect(200);
        await checkoutAs(shop.request, first.buyer).expect(201);
        return { code: code.code, buyer: (await buyerWith(1000)).buyer };
      },
    ],
    [
      'DISCOUNT_ALREADY_USED',
      409,
      async () => {
        const code = await createCode({ type: 'percentage', value: 5, perCustomerLimit: 1 });
        const { buyer, item } = await buyerWith(1000);
        await apply(buyer, code.code).expect(200);
        await checkoutAs(shop.request, buyer).expect(201);
        await fillCart(shop.db.pool, buyer.id, [{ variantId: item.variantId, quantity: 1 }]);
        return { code: code.code, buyer };
      },
    ],
  ];
  test.each(refusals)('when the code is refused for %s, then %i problem+json with that code and the cart keeps no code', async (problem, status, arrange) => {
    const { code, buyer } = await arrange();

    const res = await apply(buyer, code).expect(status);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe(problem);
    expect(await cartCodeOf(buyer.id)).toBeNull();
  });

  test('when the body has no code, then 400 and nothing stored', async () => {
    const { buyer } = await buyerWith(1000);
    const res = await shop.request.post('/api/cart/discount').set('Authorization', buyer.auth).send({ coupon: 'X' }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await cartCodeOf(buyer.id)).toBeNull();
  });
});

describe('DELETE /api/cart/discount', () => {
  test('when the cart has a code, then 204 and the cart has none', async () => {
    const code = await createCode({ type: 'fixed_amount', value: 100 });
    const { buyer } = await buyerWith(1000);
    await apply(buyer, code.code).expect(200);

    await shop.request.delete('/api/cart/discount').set('Authorization', buyer.auth).expect(204);

    expect(await cartCodeOf(buyer.id)).toBeNull();
    const cart = await shop.request.get('/api/cart').set('Authorization', buyer.auth).expect(200);
    expect(cart.body).toMatchObject({ discount: null, discountMinor: 0, discountedSubtotalMinor: 1000 });
  });
});

describe('the quote and checkout with a code', () => {
  beforeAll(() => createTaxRate(shop.db.pool, 'GB', 200_000));

  test('when a fixed amount exceeds the covered lines, then it takes them to zero and no further, and the order snapshots it per line', async () => {
    const category = await createCategory(shop.db.pool);
    const buyer = await createUser(shop.db.pool);
    const covered = await createProduct(shop.db.pool, { priceMinor: 300, stock: 5, categoryId: category.id, title: 'A covered' });
    const other = await createProduct(shop.db.pool, { priceMinor: 700, stock: 5, title: 'B other' });
    await fillCart(shop.db.pool, buyer.id, [
      { variantId: covered.variantId, quantity: 1 },
      { variantId: other.variantId, quantity: 1 },
    ]);
    const code = await createCode({ type: 'fixed_amount', value: 5000, categoryIds: [category.id] });
    await apply(buyer, code.code).expect(200);

    const quote = await shop.request.post('/api/checkout/quote').set('Authorization', buyer.auth).send(DELIVERY).expect(200);
    const order = await checkoutAs(shop.request, buyer, { body: { expectedTotalMinor: quote.body.totalMinor } }).expect(201);

    expect(quote.body).toMatchObject({ subtotalMinor: 1000, discountMinor: 300, discount: { code: code.code, type: 'fixed_amount' }, totalMinor: 700 });
    expect(order.body).toMatchObject({ subtotalMinor: 1000, discountMinor: 300, discount: { code: code.code, type: 'fixed_amount' }, totalMinor: 700 });
    expect(order.body.items.map((i: { discountMinor: number }) => i.discountMinor)).toEqual([300, 0]);
    const { rows } = await shop.db.pool.query(`SELECT discount_code, discount_type, discount_minor FROM orders WHERE id = $1`, [order.body.id]);
    expect(rows[0]).toEqual({ discount_code: code.code, discount_type: 'fixed_amount', discount_minor: 300 });
    expect(await usedCount(code.id)).toBe(1);
    expect(await cartCodeOf(buyer.id)).toBeNull();
  });

  test('when the code is free shipping, then shipping is 0', async () => {
    const method = await createShippingMethod(shop.db.pool, { countries: ['US'], priceMinor: 650 });
    const code = await createCode({ type: 'free_shipping' });
    const { buyer } = await buyerWith(2000);
    await apply(buyer, code.code).expect(200);

    const order = await checkoutAs(shop.request, buyer, { delivery: { shippingAddress: TEST_ADDRESS, shippingMethodId: method.id } }).expect(201);

    expect(order.body).toMatchObject({ subtotalMinor: 2000, discountMinor: 0, shippingMinor: 0, totalMinor: 2000, discount: { type: 'free_shipping' } });
  });

  test("when a discount takes the subtotal under a method's free-shipping threshold, then shipping is charged", async () => {
    const method = await createShippingMethod(shop.db.pool, { countries: ['US'], priceMinor: 500, freeOverMinor: 5000 });
    const code = await createCode({ type: 'percentage', value: 10 });
    const { buyer } = await buyerWith(5000);
    await apply(buyer, code.code).expect(200);

    const quote = await shop.request
      .post('/api/checkout/quote')
      .set('Authorization', buyer.auth)
      .send({ shippingAddress: TEST_ADDRESS, shippingMethodId: method.id })
      .expect(200);

    expect(quote.body).toMatchObject({ subtotalMinor: 5000, discountMinor: 500, shippingMinor: 500, totalMinor: 5000 });
  });

  test.each([
    { included: false, prices: [999, 999, 1], percent: 15, off: [150, 150, 0], tax: [170, 170, 0] },
    { included: true, prices: [999, 999, 1], percent: 15, off: [150, 150, 0], tax: [142, 142, 0] },
    { included: false, prices: [333, 333, 334], percent: 33, off: [110, 110, 110], tax: [45, 45, 45] },
    { included: true, prices: [333, 333, 334], percent: 33, off: [110, 110, 110], tax: [37, 37, 37] },
  ])('when a percentage is spread over lines with tax included $included, then the lines and the totals follow the rule', async (row) => {
    await setStoreTax(shop.db.pool, { pricesIncludeTax: row.included, taxShipping: false });
    const buyer = await createUser(shop.db.pool);
    const products = await Promise.all(row.prices.map((priceMinor, i) => createProduct(shop.db.pool, { priceMinor, stock: 5, title: `Line ${i}` })));
    await fillCart(
      shop.db.pool,
      buyer.id,
      products.map((p) => ({ variantId: p.variantId, quantity: 1 })),
    );
    const code = await createCode({ type: 'percentage', value: row.percent });
    await apply(buyer, code.code).expect(200);

    const quote = await shop.request
      .post('/api/checkout/quote')
      .set('Authorization', buyer.auth)
      .send({ ...DELIVERY, shippingAddress: { ...TEST_ADDRESS, country: 'GB', region: null, postalCode: 'SW1A 1AA', phone: '+44 20 7946 0958' } })
      .expect(200);
    await setStoreTax(shop.db.pool, { pricesIncludeTax: false, taxShipping: false });

    const subtotal = row.prices.reduce((a, b) => a + b, 0);
    const discount = row.off.reduce((a, b) => a + b, 0);
    const tax = row.tax.reduce((a, b) => a + b, 0);
    expect(quote.body.lines.map((l: { discountMinor: number }) => l.discountMinor)).toEqual(row.off);
    expect(quote.body.lines.map((l: { taxMinor: number }) => l.taxMinor)).toEqual(row.tax);
    expect(quote.body).toMatchObject({
      subtotalMinor: subtotal,
      discountMinor: discount,
      taxMinor: tax,
      totalMinor: subtotal - discount + (row.included ? 0 : tax),
    });
  });
});

describe('racing for a code', () => {
  test('when 30 buyers race for its last 10 uses, then exactly 10 orders get it and 20 get 409 DISCOUNT_EXHAUSTED with no order', async () => {
    const code = await createCode({ type: 'fixed_amount', value: 100, usageLimit: 12 });
    const warmup = await Promise.all([buyerWith(1000), buyerWith(1000)]);
    for (const { buyer } of warmup) {
      await apply(buyer, code.code).expect(200);
      await checkoutAs(shop.request, buyer).expect(201);
    }
    const buyers = await Promise.all(Array.from({ length: 30 }, () => buyerWith(1000)));
    for (const { buyer } of buyers) await apply(buyer, code.code).expect(200);

    const answers = await Promise.all(buyers.map(({ buyer }) => checkoutAs(http, buyer, { body: { expectedTotalMinor: 900 } })));

    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(Array(20).fill('DISCOUNT_EXHAUSTED'));
    expect(answers.filter((a) => a.status === 201).every((a) => a.body.totalMinor === 900 && a.body.discountMinor === 100)).toBe(true);
    const orders = await shop.db.pool.query(`SELECT count(*)::int AS n FROM orders WHERE user_id = ANY($1::uuid[])`, [buyers.map((b) => b.buyer.id)]);
    expect(orders.rows[0].n).toBe(10);
    expect(await usedCount(code.id)).toBe(12);
    expect(await liveUses(code.id)).toBe(12);
  });

  test('when one customer checks out twice at the same moment with a once-per-customer code, then one order uses it', async () => {
    const code = await createCode({ type: 'percentage', value: 10, perCustomerLimit: 1 });
    const { buyer } = await buyerWith(1000, 2);
    await apply(buyer, code.code).expect(200);

    const answers = await Promise.all([checkoutAs(http, buyer), checkoutAs(http, buyer)]);

    expect(answers.map((a) => a.status).sort()).toEqual([201, answers.find((a) => a.status !== 201)!.status]);
    expect(answers.filter((a) => a.status >= 400).every((a) => a.status < 500)).toBe(true);
    expect(await usedCount(code.id)).toBe(1);
    const uses = await shop.db.pool.query(`SELECT count(*)::int AS n FROM discount_code_uses WHERE discount_code_id = $1 AND user_id = $2`, [
      code.id,
      buyer.id,
    ]);
    expect(uses.rows[0].n).toBe(1);
  });
});

describe('counting a use for one customer', () => {
  test('when two of their orders count a once-per-customer code in overlapping transactions, then the second is refused with DISCOUNT_ALREADY_USED', async () => {
    const code = await createCode({ type: 'percentage', value: 10, perCustomerLimit: 1 });
    const { buyer, item } = await buyerWith(1000);
    const [first, second] = await Promise.all([0, 1].map(() => createOrder(shop.db.pool, { userId: buyer.id, lines: [{ product: item, quantity: 1 }] })));
    const discount = await discountFor(shop.db.pool, { id: code.id }, buyer.id, [{ productId: item.id, lineTotalMinor: 1000 }]);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    const outcomes = await Promise.allSettled([
      inTransaction(shop.db.pool, async (tx) => {
        await recordUse(tx, discount, first.id, buyer.id);
        await pause(300); // holds the code's row while the second transaction counts
      }),
      pause(100).then(() => inTransaction(shop.db.pool, (tx) => recordUse(tx, discount, second.id, buyer.id))),
    ]);

    expect(outcomes[0].status).toBe('fulfilled');
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { code: 'DISCOUNT_ALREADY_USED' } });
    expect(await usedCount(code.id)).toBe(1);
    expect(await liveUses(code.id)).toBe(1);
  });
});

describe('a use given back', () => {
  async function orderWithCode() {
    const code = await createCode({ type: 'fixed_amount', value: 100, usageLimit: 5 });
    const { buyer } = await buyerWith(1000);
    await apply(buyer, code.code).expect(200);
    const order = await checkoutAs(shop.request, buyer).expect(201);
    return { code, buyer, orderId: order.body.id as string };
  }

  test('when the customer cancels the unpaid order, then the use is given back once', async () => {
    const { code, buyer, orderId } = await orderWithCode();

    await shop.request.post(`/api/orders/${orderId}/cancel`).set('Authorization', buyer.auth).expect(200);

    expect(await usedCount(code.id)).toBe(0);
    const { rows } = await shop.db.pool.query(`SELECT released_at IS NOT NULL AS released FROM discount_code_uses WHERE order_id = $1`, [orderId]);
    expect(rows).toEqual([{ released: true }]);
  });

  test('when the unpaid order expires, then the use is given back', async () => {
    const { code, orderId } = await orderWithCode();
    await shop.db.pool.query(`UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = $1`, [orderId]);

    await expireOverdueOrders(shop.db.pool);

    expect(await usedCount(code.id)).toBe(0);
  });

  test('when expiry and a cancel race, then the use is given back exactly once', async () => {
    const { code, buyer, orderId } = await orderWithCode();
    await shop.db.pool.query(`UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = $1`, [orderId]);

    const [cancel] = await Promise.allSettled([
      shop.request.post(`/api/orders/${orderId}/cancel`).set('Authorization', buyer.auth),
      inTransaction(shop.db.pool, (tx) => transition(tx, orderId, 'EXPIRED', { actor: 'system:expiry', onlyFrom: ['AWAITING_PAYMENT'] })),
    ]);

    expect(cancel.status).toBe('fulfilled');
    expect(await usedCount(code.id)).toBe(0);
    expect(await liveUses(code.id)).toBe(0);
  });
});

describe('staff routes /api/admin/discount-codes', () => {
  test('when staff create, list and deactivate a code, then each answer shows it and the table follows', async () => {
    const text = newCodeText();
    const created = await shop.request
      .post('/api/admin/discount-codes')
      .set('Authorization', staff.auth)
      .send({ code: text, type: 'percentage', value: 20, usageLimit: 100, perCustomerLimit: 1 })
      .expect(201);
    const list = await shop.request.get('/api/admin/discount-codes').set('Authorization', staff.auth).expect(200);
    const patched = await shop.request
      .patch(`/api/admin/discount-codes/${created.body.id}`)
      .set('Authorization', staff.auth)
      .send({ active: false })
      .expect(200);

    expect(created.headers.location).toBe(`/api/admin/discount-codes/${created.body.id}`);
    expect(created.body).toMatchObject({ code: text, type: 'percentage', value: 20, usedCount: 0, active: true });
    expect(list.body.items.some((c: { id: string }) => c.id === created.body.id)).toBe(true);
    expect(patched.body.active).toBe(false);
    const { rows } = await shop.db.pool.query(`SELECT active FROM discount_codes WHERE id = $1`, [created.body.id]);
    expect(rows[0].active).toBe(false);
  });

  const count = async () => Number((await shop.db.pool.query(`SELECT count(*) AS n FROM discount_codes`)).rows[0].n);
  test.each([
    ['a percentage over 100', { type: 'percentage', value: 101 }, 400, 'VALIDATION_FAILED'],
    ['a fixed amount of 0', { type: 'fixed_amount', value: 0 }, 400, 'VALIDATION_FAILED'],
    ['free shipping with a value', { type: 'free_shipping', value: 5 }, 400, 'VALIDATION_FAILED'],
    ['an unknown type', { type: 'bogo', value: 5 }, 400, 'VALIDATION_FAILED'],
    ['an end before the start', { type: 'percentage', value: 5, startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' }, 400, 'VALIDATION_FAILED'],
    ['a negative minimum', { type: 'percentage', value: 5, minSubtotalMinor: -1 }, 400, 'VALIDATION_FAILED'],
    ['a usage limit of 0', { type: 'percentage', value: 5, usageLimit: 0 }, 400, 'VALIDATION_FAILED'],
    ['a fractional value', { type: 'fixed_amount', value: 1.5 }, 400, 'VALIDATION_FAILED'],
    ['a code with spaces inside', { type: 'percentage', value: 5, code: 'TWO WORDS' }, 400, 'VALIDATION_FAILED'],
    ['an unknown field', { type: 'percentage', value: 5, stackable: true }, 400, 'VALIDATION_FAILED'],
  ])('when the body has %s, then 400 VALIDATION_FAILED and nothing stored', async (_what, body, status, problem) => {
    const before = await count();
    const res = await shop.request
      .post('/api/admin/discount-codes')
      .set('Authorization', staff.auth)
      .send({ code: newCodeText(), ...body })
      .expect(status);
    expect(res.body.code).toBe(problem);
    expect(await count()).toBe(before);
  });

  test('when the code exists in another case, then 409 DISCOUNT_CODE_TAKEN and nothing stored', async () => {
    const existing = await createCode({ type: 'percentage', value: 5 });
    const before = await count();
    const res = await shop.request
      .post('/api/admin/discount-codes')
      .set('Authorization', staff.auth)
      .send({ code: existing.code.toLowerCase(), type: 'percentage', value: 5 })
      .expect(409);
    expect(res.body.code).toBe('DISCOUNT_CODE_TAKEN');
    expect(await count()).toBe(before);
  });

  test('when a patch would break the rules or the code is unknown, then 4xx and the code is unchanged', async () => {
    const code = await createCode({ type: 'percentage', value: 5 });
    const bad = await shop.request.patch(`/api/admin/discount-codes/${code.id}`).set('Authorization', staff.auth).send({ value: 500 }).expect(400);
    const missing = await shop.request
      .patch('/api/admin/discount-codes/00000000-0000-4000-8000-000000000000')
      .set('Authorization', staff.auth)
      .send({ active: false })
      .expect(404);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(missing.body.code).toBe('NOT_FOUND');
    const { rows } = await shop.db.pool.query(`SELECT value FROM discount_codes WHERE id = $1`, [code.id]);
    expect(rows[0].value).toBe(5);
  });

  test('when a customer calls them, then 403 and nothing stored', async () => {
    const customer = await createUser(shop.db.pool);
    const res = await shop.request
      .post('/api/admin/discount-codes')
      .set('Authorization', customer.auth)
      .send({ code: newCodeText(), type: 'percentage', value: 5 })
      .expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });
});
