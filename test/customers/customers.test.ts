import supertest from 'supertest';
import { useTestShop, uniqueId } from '../helpers/test-app.js';
import { checkoutAs, fillCart, snapshot } from '../helpers/orders-fixtures.js';
import { DELIVERY } from '../helpers/delivery-fixtures.js';
import { createOrder, createProduct, createUser, type UserFixture } from '../helpers/fixtures.js';
import type { OrderStatus } from '../../src/orders/statuses.js';

let http: ReturnType<typeof supertest>; // over a real socket, for requests at once
const shop = useTestShop();
let staff: UserFixture;

beforeAll(async () => {
  http = supertest(await shop.listen());
  staff = await createUser(shop.db.pool, { role: 'admin', name: 'Sam Staff' });
});

const asStaff = (req: supertest.Test) => req.set('Authorization', staff.auth);
const auditOf = async (recordId: string) =>
  (
    await shop.db.pool.query(
      `SELECT action, resource, record_title AS "recordTitle", difference, user_id AS "userId" FROM audit_log WHERE record_id = $1 ORDER BY id`,
      [recordId],
    )
  ).rows;
const blockOf = async (userId: string) =>
  (await shop.db.pool.query(`SELECT blocked_at AS "blockedAt", block_reason AS "blockReason", blocked_by AS "blockedBy" FROM users WHERE id = $1`, [userId]))
    .rows[0];
const orderCount = async (userId: string) => (await shop.db.pool.query(`SELECT count(*)::int AS n FROM orders WHERE user_id = $1`, [userId])).rows[0].n;

/** A customer with something in the cart, ready to check out. */
async function customerWithCart(options: { email?: string; name?: string } = {}) {
  const customer = await createUser(shop.db.pool, options);
  const product = await createProduct(shop.db.pool, { stock: 5, priceMinor: 1000 });
  await fillCart(shop.db.pool, customer.id, [{ variantId: product.variantId, quantity: 2 }]);
  return { customer, product };
}

describe('GET /api/admin/customers', () => {
  test('when staff search by part of an email, a name or a phone typed nationally, then the matching customers come back, staff accounts never', async () => {
    const tag = uniqueId('find').toLowerCase();
    const byEmail = await createUser(shop.db.pool, { email: `${tag}.rahim@example.test` });
    const byName = await createUser(shop.db.pool, { name: `Karim ${tag} Uddin` });
    const byPhone = await createUser(shop.db.pool);
    const phone = `+88017${String(Date.now()).slice(-8)}`;
    await shop.db.pool.query(`INSERT INTO addresses (user_id, recipient_name, phone, line1, city, country) VALUES ($1, 'R', $2, 'House 1', 'Dhaka', 'BD')`, [
      byPhone.id,
      phone,
    ]);
    await createUser(shop.db.pool, { role: 'admin', email: `${tag}.staff@example.test` });

    const emails = await asStaff(shop.request.get('/api/admin/customers').query({ q: tag.toUpperCase() })).expect(200);
    const phones = await asStaff(shop.request.get('/api/admin/customers').query({ q: `0${phone.slice(4, 8)}-${phone.slice(8)}` })).expect(200);

    expect(emails.body.items.map((c: { id: string }) => c.id).sort()).toEqual([byEmail.id, byName.id].sort());
    expect(emails.body.items.find((c: { id: string }) => c.id === byEmail.id)).toEqual({
      id: byEmail.id,
      clerkUserId: byEmail.clerkUserId,
      email: byEmail.email,
      name: null,
      blocked: false,
      createdAt: expect.any(String),
    });
    expect(phones.body.items.map((c: { id: string }) => c.id)).toEqual([byPhone.id]);
  });

  test('when there are more customers than the page, then the next page continues where the first stopped', async () => {
    const tag = uniqueId('page').toLowerCase();
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createUser(shop.db.pool, { email: `${tag}-${i}@example.test` }));

    const first = await asStaff(shop.request.get('/api/admin/customers').query({ q: tag, limit: 2 })).expect(200);
    const second = await asStaff(shop.request.get('/api/admin/customers').query({ q: tag, limit: 2, cursor: first.body.nextCursor })).expect(200);

    expect([...first.body.items, ...second.body.items].map((c: { id: string }) => c.id)).toEqual(made.reverse().map((c) => c.id));
    expect(second.body.nextCursor).toBeNull();
  });

  test('when a customer or nobody asks, or the cursor is forged, then 403, 401 and 400', async () => {
    const customer = await createUser(shop.db.pool);

    await shop.request.get('/api/admin/customers').set('Authorization', customer.auth).expect(403);
    await shop.request.get('/api/admin/customers').expect(401);
    const forged = await asStaff(shop.request.get('/api/admin/customers').query({ cursor: 'nope' })).expect(400);

    expect(forged.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('GET /api/admin/customers/{id}', () => {
  test.each([
    ['PAID', true],
    ['SHIPPED', true],
    ['DELIVERED', true],
    ['PARTIALLY_REFUNDED', true], // without refunds yet: the whole total (refunds below)
    ['AWAITING_PAYMENT', false],
    ['CANCELLED', false],
    ['EXPIRED', false],
    ['REFUNDED', false],
    ['CONFIRMED', false], // cash on delivery, not yet collected
    ['RETURNED', false],
  ] as [OrderStatus, boolean][])('when the customer has a %s order, then it counts toward lifetime spend: %s', async (status, counts) => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 10, priceMinor: 1999 });
    const order = await createOrder(shop.db.pool, { userId: customer.id, status, lines: [{ product, quantity: 2 }] });

    const res = await asStaff(shop.request.get(`/api/admin/customers/${customer.id}`)).expect(200);

    expect(res.body.spend).toEqual(counts ? [{ currency: 'USD', totalMinor: 3998, orders: 1 }] : []);
    expect(res.body.orders.items).toEqual([expect.objectContaining({ id: order.id, number: order.number, status, totalMinor: 3998, currency: 'USD' })]);
  });

  test('when the customer paid in two currencies, then the spend is summed per currency, never across', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 20, priceMinor: 1000 });
    await createOrder(shop.db.pool, { userId: customer.id, status: 'PAID', lines: [{ product, quantity: 1 }] });
    await createOrder(shop.db.pool, { userId: customer.id, status: 'DELIVERED', lines: [{ product, quantity: 3 }] });
    await createOrder(shop.db.pool, { userId: customer.id, status: 'PAID', currency: 'EUR', lines: [{ product, quantity: 2 }] });

    const res = await asStaff(shop.request.get(`/api/admin/customers/${customer.id}`)).expect(200);

    expect(res.body.spend).toEqual([
      { currency: 'EUR', totalMinor: 2000, orders: 1 },
      { currency: 'USD', totalMinor: 4000, orders: 2 },
    ]);
    expect(res.body.orders.items).toHaveLength(3);
  });

  test('when an order was refunded in part, then the spend keeps what its refunds did not give back', async () => {
    const customer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 10, priceMinor: 2500 });
    const order = await createOrder(shop.db.pool, { userId: customer.id, status: 'PARTIALLY_REFUNDED', lines: [{ product, quantity: 2 }] });
    await shop.db.pool.query(
      `INSERT INTO refunds (payment_id, order_id, amount_minor, currency, status, actor)
       SELECT id, order_id, 1200, currency, 'succeeded', 'staff:test' FROM payments WHERE order_id = $1`,
      [order.id],
    );

    const res = await asStaff(shop.request.get(`/api/admin/customers/${customer.id}`)).expect(200);

    expect(res.body.spend).toEqual([{ currency: 'USD', totalMinor: 5000 - 1200, orders: 1 }]);
  });

  test('when the id is a staff account, unknown or not a uuid, then 404, 404 and 400', async () => {
    await asStaff(shop.request.get(`/api/admin/customers/${staff.id}`)).expect(404);
    await asStaff(shop.request.get(`/api/admin/customers/00000000-0000-4000-8000-000000000000`)).expect(404);
    await asStaff(shop.request.get(`/api/admin/customers/42`)).expect(400);
  });
});

describe('POST /api/admin/customers/{id}/block', () => {
  test('when staff block a customer, then their checkout and quote answer 403 CUSTOMER_BLOCKED and nothing changes: no order, stock and cart kept', async () => {
    const { customer, product } = await customerWithCart();

    const blocked = await asStaff(shop.request.post(`/api/admin/customers/${customer.id}/block`))
      .send({ reason: 'Chargebacks on three orders' })
      .expect(200);
    const before = await snapshot(shop.db.pool, { userIds: [customer.id], variantIds: [product.variantId] });
    const checkout = await checkoutAs(shop.request, customer, { key: uniqueId('key') }).expect(403);
    const quote = await shop.request.post('/api/checkout/quote').set('Authorization', customer.auth).send(DELIVERY).expect(403);

    expect(blocked.body).toMatchObject({
      id: customer.id,
      blocked: true,
      block: { reason: 'Chargebacks on three orders', by: { id: staff.id, name: 'Sam Staff' } },
    });
    expect(checkout.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(checkout.body).toMatchObject({ status: 403, code: 'CUSTOMER_BLOCKED' });
    expect(JSON.stringify(checkout.body)).not.toContain('Chargebacks');
    expect(quote.body.code).toBe('CUSTOMER_BLOCKED');
    expect(await snapshot(shop.db.pool, { userIds: [customer.id], variantIds: [product.variantId] })).toEqual(before);
    expect(before.cart_items).toEqual([{ variant_id: product.variantId, quantity: 2 }]);
    expect(await orderCount(customer.id)).toBe(0);
    expect(await auditOf(customer.id)).toEqual([
      {
        action: 'block',
        resource: 'User',
        recordTitle: customer.email,
        userId: staff.id,
        difference: { blocked: { before: false, after: true }, blockReason: { before: null, after: 'Chargebacks on three orders' } },
      },
    ]);
  });

  test('when staff unblock the customer, then checkout works again and both steps are in the audit trail', async () => {
    const { customer } = await customerWithCart();
    await asStaff(shop.request.post(`/api/admin/customers/${customer.id}/block`))
      .send({ reason: 'Check the address' })
      .expect(200);

    const unblocked = await asStaff(shop.request.post(`/api/admin/customers/${customer.id}/unblock`)).expect(200);
    const again = await asStaff(shop.request.post(`/api/admin/customers/${customer.id}/unblock`)).expect(200);
    await checkoutAs(shop.request, customer).expect(201);

    expect(unblocked.body).toMatchObject({ blocked: false, block: null });
    expect(again.body.blocked).toBe(false);
    expect((await auditOf(customer.id)).map((e) => e.action)).toEqual(['block', 'unblock']); // the second unblock changed nothing
    expect(await blockOf(customer.id)).toEqual({ blockedAt: null, blockReason: null, blockedBy: null });
  });

  test.each([
    ['no reason', {}],
    ['a blank reason', { reason: '   ' }],
    ['a reason over 500 characters', { reason: 'x'.repeat(501) }],
    ['an unknown field', { reason: 'ok', extra: 1 }],
  ])('when the body has %s, then 400 VALIDATION_FAILED and the customer is not blocked', async (_label, body) => {
    const customer = await createUser(shop.db.pool);

    const res = await asStaff(shop.request.post(`/api/admin/customers/${customer.id}/block`))
      .send(body)
      .expect(400);

    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await blockOf(customer.id)).toEqual({ blockedAt: null, blockReason: null, blockedBy: null });
    expect(await auditOf(customer.id)).toEqual([]);
  });

  test('when the id is a staff account or unknown, or a customer asks, then 404, 404, 403 and nothing is blocked', async () => {
    const customer = await createUser(shop.db.pool);

    await asStaff(shop.request.post(`/api/admin/customers/${staff.id}/block`))
      .send({ reason: 'x' })
      .expect(404);
    await asStaff(shop.request.post(`/api/admin/customers/00000000-0000-4000-8000-000000000000/block`)).send({ reason: 'x' }).expect(404);
    await shop.request.post(`/api/admin/customers/${customer.id}/block`).set('Authorization', customer.auth).send({ reason: 'x' }).expect(403);

    expect((await blockOf(staff.id)).blockedAt).toBeNull();
    expect((await blockOf(customer.id)).blockedAt).toBeNull();
  });
});

describe('a checkout racing a block', () => {
  test('when a block is being made while the customer checks out, then the checkout waits for it and is refused', async () => {
    const { customer, product } = await customerWithCart();
    const blocker = await shop.db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`UPDATE users SET blocked_at = now(), block_reason = 'racing', blocked_by = $2 WHERE id = $1`, [customer.id, staff.id]);
      const checkout = checkoutAs(http, customer).then((res) => res);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the checkout is now waiting for the buyer's row
      await blocker.query('COMMIT');

      const res = await checkout;

      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CUSTOMER_BLOCKED');
      expect(await orderCount(customer.id)).toBe(0);
      expect((await snapshot(shop.db.pool, { userIds: [customer.id], variantIds: [product.variantId] })).variants[0].stock).toBe(5);
    } finally {
      blocker.release();
    }
  });

  test('when a checkout holds the buyer while staff block them, then the block waits until the order is placed', async () => {
    const { customer } = await customerWithCart();
    const checkingOut = await shop.db.pool.connect();
    try {
      await checkingOut.query('BEGIN');
      // what checkout's cart read takes (src/cart/read-cart.ts): the buyer's row FOR SHARE
      await checkingOut.query(`SELECT 1 FROM users WHERE id = $1 FOR SHARE`, [customer.id]);
      let blockAnswered = false;
      const block = asStaff(http.post(`/api/admin/customers/${customer.id}/block`))
        .send({ reason: 'late' })
        .then((res) => {
          blockAnswered = true;
          return res;
        });
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(blockAnswered).toBe(false);
      await checkingOut.query('COMMIT');
      expect((await block).status).toBe(200);
    } finally {
      checkingOut.release();
    }
  });

  test('when many customers check out while each is blocked at the same moment, then every checkout is placed or refused whole, never half', async () => {
    const people = await Promise.all(Array.from({ length: 8 }, () => customerWithCart()));

    const answers = await Promise.all(
      people.flatMap(({ customer }) => [checkoutAs(http, customer), asStaff(http.post(`/api/admin/customers/${customer.id}/block`)).send({ reason: 'race' })]),
    );

    for (const [i, { customer, product }] of people.entries()) {
      const [checkout, block] = [answers[2 * i], answers[2 * i + 1]];
      expect(block.status).toBe(200);
      expect([201, 403]).toContain(checkout.status);
      const state = await snapshot(shop.db.pool, { userIds: [customer.id], variantIds: [product.variantId] });
      if (checkout.status === 201) expect(state).toMatchObject({ variants: [expect.objectContaining({ stock: 3 })], cart_items: null });
      else
        expect(state).toMatchObject({
          variants: [expect.objectContaining({ stock: 5 })],
          cart_items: [{ variant_id: product.variantId, quantity: 2 }],
          orders: null,
        });
    }
  });
});

describe('POST /api/admin/customers/{id}/notes', () => {
  test('when staff add notes, then the customer page lists them newest first with author and time, and each is audited', async () => {
    const customer = await createUser(shop.db.pool);

    const first = await asStaff(shop.request.post(`/api/admin/customers/${customer.id}/notes`))
      .send({ body: 'Prefers evening delivery' })
      .expect(201);
    await asStaff(shop.request.post(`/api/admin/customers/${customer.id}/notes`))
      .send({ body: 'Called about order 1042' })
      .expect(201);
    const page = await asStaff(shop.request.get(`/api/admin/customers/${customer.id}`)).expect(200);

    expect(first.body).toEqual({
      id: expect.any(String),
      body: 'Prefers evening delivery',
      author: { id: staff.id, name: 'Sam Staff' },
      createdAt: expect.any(String),
    });
    expect(page.body.notes.map((n: { body: string }) => n.body)).toEqual(['Called about order 1042', 'Prefers evening delivery']);
    expect((await auditOf(customer.id)).map((e) => [e.action, e.difference])).toEqual([
      ['add-note', { note: { before: null, after: 'Prefers evening delivery' } }],
      ['add-note', { note: { before: null, after: 'Called about order 1042' } }],
    ]);
  });

  test.each([
    ['no body', {}],
    ['an empty body', { body: '' }],
    ['a body over 2000 characters', { body: 'x'.repeat(2001) }],
  ])('when the note has %s, then 400 and no note is kept', async (_label, body) => {
    const customer = await createUser(shop.db.pool);

    await asStaff(shop.request.post(`/api/admin/customers/${customer.id}/notes`))
      .send(body)
      .expect(400);

    expect((await shop.db.pool.query(`SELECT count(*)::int AS n FROM customer_notes WHERE customer_id = $1`, [customer.id])).rows[0].n).toBe(0);
  });

  test('when the customer is unknown, then 404 and no note', async () => {
    await asStaff(shop.request.post(`/api/admin/customers/00000000-0000-4000-8000-000000000000/notes`)).send({ body: 'hello' }).expect(404);
  });
});
