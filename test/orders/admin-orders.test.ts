import { randomUUID } from 'node:crypto';
import { useTestShop } from '../helpers/test-app.js';
import { placeOrder, snapshot } from '../helpers/orders-fixtures.js';
import { inTransaction } from '../../src/shared/db.js';
import { transition } from '../../src/orders/state-machine.js';
import { createOrder, createProduct, createUser, orderStatus, stockOf, type UserFixture } from '../helpers/fixtures.js';

let staff: UserFixture;

const shop = useTestShop();
beforeAll(async () => {
  staff = await createUser(shop.db.pool, { role: 'admin' });
});

const asStaff = (method: 'get' | 'post', path: string, person: UserFixture | null = staff) => {
  const req = shop.request[method](path);
  return person ? req.set('Authorization', `Bearer ${person.token}`) : req;
};

/** A real order (stock taken at checkout), moved to PAID the way a payment would move it. */
async function paidOrder(buyer: UserFixture, variantId: string, quantity = 1): Promise<string> {
  const order = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId, quantity }]);
  await inTransaction(shop.db.pool, (tx) => transition(tx, order.id, 'PAID', { actor: 'provider:mock' }));
  return order.id;
}

describe('staff routes without the staff role', () => {
  const ROUTES = [
    ['GET', '/api/admin/orders'],
    ['POST', `/api/admin/orders/{id}/ship`],
    ['POST', `/api/admin/orders/{id}/deliver`],
    ['POST', `/api/admin/orders/{id}/cancel`],
  ] as const;

  test.each(ROUTES)('when a customer calls %s %s, then 403; when nobody is signed in, then 401; nothing changes', async (method, template) => {
    const customer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 5 });
    const orderId = await paidOrder(customer, item.variantId);
    const path = template.replace('{id}', orderId);
    const ids = { userIds: [customer.id], variantIds: [item.variantId] };
    const before = await snapshot(shop.db.pool, ids);
    const verb = method === 'GET' ? 'get' : 'post';

    expect((await asStaff(verb, path, customer).send({ carrier: 'DHL', trackingNumber: 'T1' }).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await asStaff(verb, path, null).send({ carrier: 'DHL', trackingNumber: 'T1' }).expect(401)).body.code).toBe('UNAUTHENTICATED');

    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
  });
});

describe('GET /api/admin/orders', () => {
  let ann: UserFixture;
  let bob: UserFixture;
  let annOrders: string[];
  let bobOrder: string;

  beforeAll(async () => {
    ann = await createUser(shop.db.pool);
    bob = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 50 });
    annOrders = [await paidOrder(ann, item.variantId), (await placeOrder(shop.request, shop.db.pool, ann, [{ variantId: item.variantId, quantity: 2 }])).id];
    bobOrder = (await placeOrder(shop.request, shop.db.pool, bob, [{ variantId: item.variantId, quantity: 1 }])).id;
  });

  const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((o) => o.id);

  test("when filtered by customer id or email (any case), then only that customer's orders, newest first, with the customer", async () => {
    const byId = await asStaff('get', `/api/admin/orders?customer=${ann.id}`).expect(200);
    const byEmail = await asStaff('get', `/api/admin/orders?customer=${encodeURIComponent(ann.email.toUpperCase())}`).expect(200);

    expect(ids(byId)).toEqual([...annOrders].reverse());
    expect(ids(byEmail)).toEqual(ids(byId));
    expect(byId.body.items[0].customer).toEqual({ id: ann.id, email: ann.email });
  });

  test('when filtered by status, then only orders in it', async () => {
    const res = await asStaff('get', `/api/admin/orders?status=PAID&customer=${ann.id}`).expect(200);
    expect(ids(res)).toEqual([annOrders[0]]);
    expect(res.body.items[0].status).toBe('PAID');
  });

  test('when filtered by a creation time range, then from is inclusive and to exclusive', async () => {
    const { rows } = await shop.db.pool.query(`SELECT created_at FROM orders WHERE id = $1`, [bobOrder]);
    const at = (rows[0].created_at as Date).toISOString();

    const fromIt = await asStaff('get', `/api/admin/orders?customer=${bob.id}&from=${at}`).expect(200);
    const untilIt = await asStaff('get', `/api/admin/orders?customer=${bob.id}&to=${at}`).expect(200);
    const aroundToday = await asStaff('get', `/api/admin/orders?customer=${bob.id}&from=2000-01-01&to=2999-01-01`).expect(200);

    expect(ids(fromIt)).toEqual([bobOrder]);
    expect(ids(untilIt)).toEqual([]);
    expect(ids(aroundToday)).toEqual([bobOrder]);
  });

  test('when paged one by one, then every order comes once and the last page has no cursor', async () => {
    const first = await asStaff('get', `/api/admin/orders?customer=${ann.id}&limit=1`).expect(200);
    const second = await asStaff('get', `/api/admin/orders?customer=${ann.id}&limit=1&cursor=${first.body.nextCursor}`).expect(200);

    expect([...ids(first), ...ids(second)]).toEqual([...annOrders].reverse());
    expect(second.body.nextCursor).toBeNull();
  });

  test.each([['status=LOST'], ['from=yesterday'], ['from=2030-01-02&to=2030-01-01'], ['customer=nobody'], ['limit=500'], ['colour=red']])(
    'when the query is %s, then 400 problem+json',
    async (query) => {
      const res = await asStaff('get', `/api/admin/orders?${query}`).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    },
  );
});

describe('POST /api/admin/orders/{id}/ship and /deliver', () => {
  test('when staff ship a paid order and then deliver it, then the order shows carrier, tracking and both times, and history names the staff', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 3 });
    const orderId = await paidOrder(buyer, item.variantId);

    const shipped = await asStaff('post', `/api/admin/orders/${orderId}/ship`).send({ carrier: ' DHL ', trackingNumber: 'JD014600006281' }).expect(200);

    expect(shipped.body.status).toBe('SHIPPED');
    expect(shipped.body.shipping).toMatchObject({ carrier: 'DHL', trackingNumber: 'JD014600006281', deliveredAt: null });
    expect(shipped.body.shipping.shippedAt).not.toBeNull();
    expect(shipped.body.history.at(-1)).toMatchObject({ from: 'PAID', to: 'SHIPPED', actor: `staff:${staff.id}`, actorEmail: staff.email });

    const delivered = await asStaff('post', `/api/admin/orders/${orderId}/deliver`).expect(200);

    expect(delivered.body.status).toBe('DELIVERED');
    expect(delivered.body.shipping.deliveredAt).not.toBeNull();
    const { rows } = await shop.db.pool.query(`SELECT status, carrier, tracking_number FROM orders WHERE id = $1`, [orderId]);
    expect(rows).toEqual([{ status: 'DELIVERED', carrier: 'DHL', tracking_number: 'JD014600006281' }]);
    expect(await stockOf(shop.db.pool, item)).toBe(2); // shipped stock stays gone
    const customerView = await shop.request.get(`/api/orders/${orderId}`).set('Authorization', `Bearer ${buyer.token}`).expect(200);
    expect(customerView.body.history.at(-1).actor).toBe('staff');
    // staff-only details stay in the staff view
    expect(customerView.body.history.every((h: object) => !('actorEmail' in h))).toBe(true);
  });

  test.each([
    ['no tracking number', { carrier: 'DHL' }],
    ['an empty carrier', { carrier: '  ', trackingNumber: 'T1' }],
    ['a tracking number of 101 characters', { carrier: 'DHL', trackingNumber: 'x'.repeat(101) }],
    ['an unknown field', { carrier: 'DHL', trackingNumber: 'T1', eta: 'tomorrow' }],
    ['a number for a carrier', { carrier: 7, trackingNumber: 'T1' }],
  ])('when the ship body has %s, then 400 problem+json and nothing changes', async (_what, body) => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 3 });
    const orderId = await paidOrder(buyer, item.variantId);
    const ids = { userIds: [buyer.id], variantIds: [item.variantId] };
    const before = await snapshot(shop.db.pool, ids);

    const res = await asStaff('post', `/api/admin/orders/${orderId}/ship`).send(body).expect(400);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
  });

  test('when the order does not exist, then 404; when the id is not a uuid, then 400', async () => {
    await asStaff('post', `/api/admin/orders/${randomUUID()}/ship`).send({ carrier: 'DHL', trackingNumber: 'T1' }).expect(404);
    await asStaff('post', `/api/admin/orders/${randomUUID()}/deliver`).expect(404);
    expect((await asStaff('post', '/api/admin/orders/abc/deliver').expect(400)).body.code).toBe('VALIDATION_FAILED');
  });
});

describe('POST /api/admin/orders/{id}/cancel', () => {
  test('when staff cancel a paid order with a reason, then it is CANCELLED, the stock comes back and the reason is recorded', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 4 });
    const orderId = await paidOrder(buyer, item.variantId, 3);
    expect(await stockOf(shop.db.pool, item)).toBe(1);

    const res = await asStaff('post', `/api/admin/orders/${orderId}/cancel`).send({ reason: 'suspected fraud' }).expect(200);

    expect(res.body.status).toBe('CANCELLED');
    expect(res.body.history.at(-1)).toMatchObject({ from: 'PAID', to: 'CANCELLED', actor: `staff:${staff.id}`, reason: 'suspected fraud' });
    expect(await stockOf(shop.db.pool, item)).toBe(4);
  });

  test('when staff cancel an order whose payment was captured, then the money goes back too: REFUNDED, stock back, one refund', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 5 });
    const orderId = await paidOrder(buyer, item.variantId, 2);
    const {
      rows: [payment],
    } = await shop.db.pool.query(
      `INSERT INTO payments (order_id, provider, status, amount_minor, currency, provider_ref)
       SELECT id, 'MOCK', 'SUCCEEDED', total_minor, currency, 'mock_' || id FROM orders WHERE id = $1 RETURNING id`,
      [orderId],
    );

    const res = await asStaff('post', `/api/admin/orders/${orderId}/cancel`).send({ reason: 'out of business' }).expect(200);

    expect(res.body.status).toBe('REFUNDED');
    expect(res.body.history.slice(-2).map((h: { from: string; to: string }) => `${h.from}>${h.to}`)).toEqual(['PAID>CANCELLED', 'CANCELLED>REFUNDED']);
    expect(await stockOf(shop.db.pool, item)).toBe(5);
    const refunded = await shop.db.pool.query(`SELECT status, refund_ref AS "refundRef" FROM payments WHERE id = $1`, [payment.id]);
    const { rows: made } = await shop.db.pool.query(`SELECT id FROM refunds WHERE payment_id = $1`, [payment.id]);
    expect(refunded.rows[0]).toEqual({ status: 'REFUNDED', refundRef: `mock_refund_${made[0].id}` });
  });

  test('when staff cancel without a body, then the order is cancelled with no reason', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 1 });
    const orderId = await createOrder(shop.db.pool, { userId: buyer.id, status: 'AWAITING_PAYMENT', lines: [{ product: item, quantity: 1 }] }).then(
      (o) => o.id,
    );

    const res = await asStaff('post', `/api/admin/orders/${orderId}/cancel`).expect(200);

    expect(res.body.history.at(-1)).toMatchObject({ from: 'AWAITING_PAYMENT', to: 'CANCELLED', reason: null });
  });

  test('when the reason is empty or not text, then 400 and nothing changes', async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 2 });
    const orderId = await paidOrder(buyer, item.variantId);
    const ids = { userIds: [buyer.id], variantIds: [item.variantId] };
    const before = await snapshot(shop.db.pool, ids);

    await asStaff('post', `/api/admin/orders/${orderId}/cancel`).send({ reason: '' }).expect(400);
    await asStaff('post', `/api/admin/orders/${orderId}/cancel`).send({ reason: 42 }).expect(400);

    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
  });
});

describe('tracking links', () => {
  test("when the carrier has a tracking URL template, then the customer's order links to the parcel's page, the number URL-encoded", async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 3 });
    await shop.db.pool.query(`INSERT INTO carriers (name, tracking_url_template) VALUES ('Pathao', 'https://track.pathao.test/parcel/{tracking}?src=shop')`);
    const linked = await paidOrder(buyer, item.variantId);
    const unlinked = await paidOrder(buyer, item.variantId);

    await asStaff('post', `/api/admin/orders/${linked}/ship`).send({ carrier: 'pathao', trackingNumber: 'PT 12/$&' }).expect(200);
    await asStaff('post', `/api/admin/orders/${unlinked}/ship`).send({ carrier: 'Some courier', trackingNumber: 'X1' }).expect(200);
    const [withLink, without] = await Promise.all(
      [linked, unlinked].map(async (id) => (await shop.request.get(`/api/orders/${id}`).set('Authorization', buyer.auth).expect(200)).body.shipping),
    );

    expect(withLink).toMatchObject({
      carrier: 'pathao',
      trackingNumber: 'PT 12/$&',
      trackingUrl: 'https://track.pathao.test/parcel/PT%2012%2F%24%26?src=shop',
    });
    expect(without).toMatchObject({ carrier: 'Some courier', trackingUrl: null });
  });
});

describe('shipping while a refund is under way', () => {
  test("when the order's payment is being refunded (a staff cancel called the gateway), then shipping it is 409 ILLEGAL_TRANSITION and nothing changes", async () => {
    const buyer = await createUser(shop.db.pool);
    const item = await createProduct(shop.db.pool, { stock: 3 });
    const orderId = await paidOrder(buyer, item.variantId);
    await shop.db.pool.query(
      `INSERT INTO payments (order_id, provider, status, amount_minor, currency, provider_ref) SELECT id, 'MOCK', 'REFUND_PENDING', total_minor, currency, 'mock_refunding' FROM orders WHERE id = $1`,
      [orderId],
    );

    const res = await asStaff('post', `/api/admin/orders/${orderId}/ship`).send({ carrier: 'DHL', trackingNumber: 'T9' }).expect(409);

    expect(res.body).toMatchObject({ code: 'ILLEGAL_TRANSITION', currentStatus: 'PAID', requestedStatus: 'SHIPPED' });
    expect(res.body.detail).toMatch(/being refunded/);
    expect(await orderStatus(shop.db.pool, orderId)).toBe('PAID');
  });
});
