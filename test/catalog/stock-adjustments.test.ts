// Staff stock adjustments and a variant's stock history over the staff API: each adjustment
// is one ledger row and one audit-trail entry, in the change's transaction; concurrent ones
// queue on the variant, and none takes the stock below 0.
import { randomUUID } from 'node:crypto';
import { useTestShop } from '../helpers/test-app.js';
import { createProduct, createUser, stockOf, type ProductFixture, type UserFixture } from '../helpers/fixtures.js';
import { placeOrder } from '../helpers/orders-fixtures.js';
import { unbalancedStock } from '../helpers/stock-ledger.js';

const shop = useTestShop();
let staff: UserFixture;
beforeAll(async () => {
  staff = await createUser(shop.db.pool, { role: 'admin', email: 'keeper@shop.test' });
});

const adjust = (variantId: string, body: object, auth = staff.auth) =>
  shop.request.post(`/api/admin/variants/${variantId}/stock-adjustments`).set('Authorization', auth).send(body);
const history = (variantId: string, query: Record<string, string | number> = {}, auth = staff.auth) =>
  shop.request.get(`/api/admin/variants/${variantId}/stock-movements`).query(query).set('Authorization', auth);

const movementsOf = async (product: ProductFixture) =>
  (
    await shop.db.pool.query(`SELECT change, stock_after AS "stockAfter", reason, actor, note FROM stock_movements WHERE variant_id = $1 ORDER BY id`, [
      product.variantId,
    ])
  ).rows;
const auditOf = async (product: ProductFixture) =>
  (
    await shop.db.pool.query(`SELECT action, resource, record_title AS "recordTitle", difference, user_id AS "userId" FROM audit_log WHERE record_id = $1`, [
      product.variantId,
    ])
  ).rows;

describe('POST /api/admin/variants/{id}/stock-adjustments', () => {
  test('when staff add received goods, then 201 with the movement and the new stock; the ledger and the audit trail have it', async () => {
    const product = await createProduct(shop.db.pool, { stock: 4 });

    const res = await adjust(product.variantId, { change: 6, reason: 'received', note: ' delivery 42 ' }).expect(201);

    expect(res.body).toEqual({
      stock: 10,
      movement: {
        id: expect.any(Number),
        variantId: product.variantId,
        change: 6,
        stockAfter: 10,
        reason: 'received',
        actor: `staff:${staff.id}`,
        actorEmail: 'keeper@shop.test',
        orderId: null,
        orderNumber: null,
        note: 'delivery 42',
        createdAt: expect.any(String),
      },
    });
    expect(await stockOf(shop.db.pool, product)).toBe(10);
    expect(await movementsOf(product)).toEqual([
      { change: 4, stockAfter: 4, reason: 'initial', actor: 'db:postgres', note: null },
      { change: 6, stockAfter: 10, reason: 'received', actor: `staff:${staff.id}`, note: 'delivery 42' },
    ]);
    expect(await auditOf(product)).toEqual([
      {
        action: 'stock-adjustment',
        resource: 'ProductVariant',
        recordTitle: product.sku,
        userId: staff.id,
        difference: { stock: { before: 4, after: 10 }, change: 6, reason: 'received', note: 'delivery 42' },
      },
    ]);
  });

  test('when staff write off damaged goods down to exactly 0, then the stock is 0', async () => {
    const product = await createProduct(shop.db.pool, { stock: 3 });

    const res = await adjust(product.variantId, { change: -3, reason: 'damaged' }).expect(201);

    expect(res.body).toMatchObject({ stock: 0, movement: { change: -3, stockAfter: 0, reason: 'damaged', note: null } });
    expect(await stockOf(shop.db.pool, product)).toBe(0);
  });

  test('when the change would take the stock below 0, then 409 STOCK_BELOW_ZERO with the stock, and nothing changes', async () => {
    const product = await createProduct(shop.db.pool, { stock: 2 });

    const res = await adjust(product.variantId, { change: -3, reason: 'count_correction' }).expect(409);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'STOCK_BELOW_ZERO', stock: 2 });
    expect(await stockOf(shop.db.pool, product)).toBe(2);
    expect(await movementsOf(product)).toHaveLength(1);
    expect(await auditOf(product)).toEqual([]);
  });

  test('when the change would take the stock past what the column holds, then 400 VALIDATION_FAILED on change, and nothing changes', async () => {
    const product = await createProduct(shop.db.pool, { stock: 2_000_000_000 });

    const res = await adjust(product.variantId, { change: 1_000_000_000, reason: 'received' }).expect(400);

    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'change', message: 'would take the stock above 2147483647' }] });
    expect(await stockOf(shop.db.pool, product)).toBe(2_000_000_000);
    expect(await movementsOf(product)).toHaveLength(1);
  });

  test('when the variant does not exist, then 404 NOT_FOUND', async () => {
    const res = await adjust(randomUUID(), { change: 1, reason: 'received' }).expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  test.each([
    ['a change of 0', { change: 0, reason: 'received' }, 'change'],
    ['a fractional change', { change: 1.5, reason: 'received' }, 'change'],
    ['a change as text', { change: '5', reason: 'received' }, 'change'],
    ['a huge change', { change: 1e12, reason: 'received' }, 'change'],
    ['no reason', { change: 1 }, 'reason'],
    ['a reason staff do not give', { change: 1, reason: 'checkout' }, 'reason'],
    ['a note too long', { change: 1, reason: 'received', note: 'x'.repeat(501) }, 'note'],
    ['an unknown field', { change: 1, reason: 'received', stock: 5 }, ''],
  ])('when the body has %s, then 400 VALIDATION_FAILED naming it, and nothing changes', async (_case, body, path) => {
    const product = await createProduct(shop.db.pool, { stock: 5 });

    const res = await adjust(product.variantId, body).expect(400);

    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await stockOf(shop.db.pool, product)).toBe(5);
    expect(await movementsOf(product)).toHaveLength(1);
  });

  test('when the id is no uuid, then 400 VALIDATION_FAILED', async () => {
    const res = await adjust('not-a-uuid', { change: 1, reason: 'received' }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  test('when a customer or nobody calls it, then 403 or 401, and nothing changes', async () => {
    const product = await createProduct(shop.db.pool, { stock: 5 });
    const customer = await createUser(shop.db.pool);

    expect((await adjust(product.variantId, { change: 1, reason: 'received' }, customer.auth).expect(403)).body.code).toBe('FORBIDDEN');
    expect(
      (await shop.request.post(`/api/admin/variants/${product.variantId}/stock-adjustments`).send({ change: 1, reason: 'received' }).expect(401)).body.code,
    ).toBe('UNAUTHENTICATED');
    expect(await stockOf(shop.db.pool, product)).toBe(5);
  });

  test('when many staff adjust one variant at once, beside checkouts, then none is lost, none goes below 0, and the ledger chains', async () => {
    const product = await createProduct(shop.db.pool, { stock: 10 });
    const buyers = await Promise.all(Array.from({ length: 6 }, () => createUser(shop.db.pool)));
    const changes = [-4, -4, -4, -4, +3, +3, -2, -2, +1, -1, -1, -1];

    const [adjusted, checkouts] = await Promise.all([
      Promise.all(changes.map((change) => adjust(product.variantId, { change, reason: change > 0 ? 'received' : 'damaged' }))),
      Promise.all(
        buyers.map((buyer) =>
          placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity: 1 }]).then(
            () => 'ok',
            () => 'refused',
          ),
        ),
      ),
    ]);

    const applied = changes.filter((_, i) => adjusted[i].status === 201);
    expect(adjusted.every((r) => r.status === 201 || (r.status === 409 && r.body.code === 'STOCK_BELOW_ZERO'))).toBe(true);
    const sold = checkouts.filter((c) => c === 'ok').length;
    // 25 units asked for, at most 17 there: some must have been refused
    expect(applied.length + sold).toBeLessThan(changes.length + buyers.length);
    const stock = await stockOf(shop.db.pool, product);
    expect(stock).toBe(10 + applied.reduce((a, b) => a + b, 0) - sold);
    expect(stock).toBeGreaterThanOrEqual(0);
    const ledger = await movementsOf(product);
    expect(ledger).toHaveLength(1 + applied.length + sold);
    ledger.reduce((before, row) => {
      expect(row.stockAfter).toBe(before + row.change);
      expect(row.stockAfter).toBeGreaterThanOrEqual(0);
      return row.stockAfter;
    }, 0);
    expect(await unbalancedStock(shop.db.pool)).toEqual([]);
  });
});

describe('GET /api/admin/variants/{id}/stock-movements', () => {
  test('when a variant has moved several times, then its history pages newest first with a cursor, other variants left out', async () => {
    const product = await createProduct(shop.db.pool, { stock: 1 });
    const other = await createProduct(shop.db.pool, { stock: 7 });
    for (const change of [2, 3, 4]) await adjust(product.variantId, { change, reason: 'received' }).expect(201);

    const first = await history(product.variantId, { limit: 3 }).expect(200);
    const second = await history(product.variantId, { limit: 3, cursor: first.body.nextCursor }).expect(200);

    expect(first.body.items.map((m: { change: number; stockAfter: number }) => [m.change, m.stockAfter])).toEqual([
      [4, 10],
      [3, 6],
      [2, 3],
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(second.body).toEqual({ items: [expect.objectContaining({ change: 1, stockAfter: 1, reason: 'initial', actorEmail: null })], nextCursor: null });
    expect(JSON.stringify([first.body, second.body])).not.toContain(other.variantId);
  });

  test('when an order took the stock, then its movement names the order, its number and the customer', async () => {
    const product = await createProduct(shop.db.pool, { stock: 5 });
    const buyer = await createUser(shop.db.pool, { email: 'buyer@shop.test' });
    const order = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity: 2 }]);
    const { number } = (await shop.db.pool.query(`SELECT number FROM orders WHERE id = $1`, [order.id])).rows[0];

    const res = await history(product.variantId, { limit: 1 }).expect(200);

    expect(res.body.items).toEqual([
      expect.objectContaining({
        change: -2,
        stockAfter: 3,
        reason: 'checkout',
        actor: `customer:${buyer.id}`,
        actorEmail: 'buyer@shop.test',
        orderId: order.id,
        orderNumber: number,
      }),
    ]);
  });

  test('when a movement was written by hand with an odd actor, then it is listed as written, with no email', async () => {
    const product = await createProduct(shop.db.pool, { stock: 1 });
    await shop.db.pool.query(`UPDATE product_variants SET stock = 2 WHERE id = $1`, [product.variantId]);
    await shop.db.pool.query(`UPDATE stock_movements SET actor = $2 WHERE variant_id = $1 AND reason = 'unattributed'`, [
      product.variantId,
      `staff:${'-'.repeat(36)}`,
    ]);

    const res = await history(product.variantId, { limit: 1 }).expect(200);

    expect(res.body.items).toEqual([expect.objectContaining({ actor: `staff:${'-'.repeat(36)}`, actorEmail: null })]);
  });

  test('when the variant does not exist, then 404; a forged cursor or a bad limit is 400', async () => {
    const product = await createProduct(shop.db.pool, { stock: 1 });

    expect((await history(randomUUID()).expect(404)).body.code).toBe('NOT_FOUND');
    const bad: Record<string, string | number>[] = [
      { cursor: 'bm9wZQ' },
      { cursor: Buffer.from('[-1]').toString('base64url') },
      { limit: 0 },
      { limit: 101 },
      { sort: 'id' },
    ];
    for (const query of bad) {
      expect((await history(product.variantId, query).expect(400)).body.code).toBe('VALIDATION_FAILED');
    }
  });

  test('when a customer asks, then 403', async () => {
    const product = await createProduct(shop.db.pool, { stock: 1 });
    const customer = await createUser(shop.db.pool);
    expect((await history(product.variantId, {}, customer.auth).expect(403)).body.code).toBe('FORBIDDEN');
  });
});
