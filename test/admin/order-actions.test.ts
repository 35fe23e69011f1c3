import supertest from 'supertest';
import { tokenFor, uniqueId } from '../helpers/test-app.js';
import { adminApi, createStaff, orderRow, panelPerFile, signedInAgent } from '../helpers/admin-fixtures.js';
import type { OrderStatus } from '../../src/orders/statuses.js';
import type { StaffRefundRequest } from '../../src/orders/staff-actions.js';
import { Conflict } from '../../src/shared/errors.js';
import { createOrder, createProduct, createUser, stockOf as variantStock } from '../helpers/fixtures.js';

const stockOf = (product: { variantId: string }) => variantStock(panel.shop.db.pool, product);

const refunds: { orderId: string; staffId: string }[] = [];
const refundRequests = new Map<string, StaffRefundRequest | undefined>(); // order id -> what the form asked
let refusedRefund = '';
// The payments module's refund stands in as a stub that records its calls (its own tests cover the real one).
const panel = panelPerFile({
  adminPanel: {
    refundOrder: async (orderId, byStaff, _options, request) => {
      if (orderId === refusedRefund) throw new Conflict('NOT_REFUNDABLE', 'The gateway refused the refund');
      refunds.push({ orderId, staffId: byStaff });
      refundRequests.set(orderId, request);
    },
  },
});

async function orderIn(status: OrderStatus, quantity = 2) {
  const product = await createProduct(panel.shop.db.pool, { stock: 10 });
  const customer = await createUser(panel.shop.db.pool);
  const order = await createOrder(panel.shop.db.pool, { userId: customer.id, status, lines: [{ product, quantity }] });
  return { ...order, product };
}
const STATUS_ACTIONS = ['ship', 'deliver', 'deliverCashOnDelivery', 'return', 'cancel', 'refund'];
const offeredActions = async (orderId: string) =>
  ((await panel.staff.get(adminApi.recordAction('Order', orderId, 'show')).expect(200)).body.record.recordActions as { name: string }[])
    .map((a) => a.name)
    .sort();

describe('which actions an order page offers', () => {
  test.each([
    ['AWAITING_PAYMENT', ['cancel']],
    ['PAID', ['cancel', 'refund', 'ship']], // a refund of part (a broken item) before it ships
    ['PARTIALLY_REFUNDED', ['cancel', 'refund', 'ship']], // not shipped yet
    ['SHIPPED', ['deliver', 'refund']],
    ['DELIVERED', ['refund']],
    ['CANCELLED', []], // never paid: nothing to refund
    ['REFUNDED', []],
    ['CONFIRMED', ['cancel', 'ship']], // cash on delivery, confirmed at checkout
    ['RETURNED', []],
  ] as [OrderStatus, string[]][])('when the order is %s, then the offered status actions are %j', async (status, expected) => {
    const order = await orderIn(status);

    const offered = await offeredActions(order.id);

    expect(offered.filter((name) => STATUS_ACTIONS.includes(name))).toEqual(expected);
    expect(offered).toContain('show');
  });
});

describe('cash on delivery', () => {
  /** A cash-on-delivery order on its way: confirmed at checkout, then shipped. */
  async function codOrderShipped() {
    const order = await orderIn('CONFIRMED', 2);
    await panel.shop.db.pool.query(`UPDATE orders SET status = 'SHIPPED', shipped_at = now() WHERE id = $1`, [order.id]);
    return order;
  }

  test('when a cash-on-delivery order is shipped, then the page offers "delivered, cash collected" and "returned", not the plain deliver nor a refund', async () => {
    const order = await codOrderShipped();

    const offered = await offeredActions(order.id);

    expect(offered.filter((name) => STATUS_ACTIONS.includes(name))).toEqual(['deliverCashOnDelivery', 'return']);
  });

  test('when staff record the cash collected, then the order is DELIVERED and paid with a COD payment of that amount', async () => {
    const order = await codOrderShipped();

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'deliverCashOnDelivery'))
      .send({ cashCollected: '20.00' })
      .expect(200);

    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect(await orderRow(panel.shop.db.pool, order.id)).toMatchObject({ status: 'DELIVERED' });
    const { rows } = await panel.shop.db.pool.query(`SELECT provider, status, amount_minor FROM payments WHERE order_id = $1`, [order.id]);
    expect(rows).toEqual([{ provider: 'COD', status: 'SUCCEEDED', amount_minor: 2000 }]);
  });

  test.each([['abc'], ['20.001'], ['-5']])('when the cash collected is %p, then the form says why and the order stays SHIPPED', async (cashCollected) => {
    const order = await codOrderShipped();

    const res = await panel.staff.post(adminApi.recordAction('Order', order.id, 'deliverCashOnDelivery')).send({ cashCollected });

    expect(res.body.notice ?? res.body.record?.errors).toBeDefined();
    expect(JSON.stringify(res.body)).toMatch(/cashCollected|Cash collected|amount/);
    expect(await orderRow(panel.shop.db.pool, order.id)).toMatchObject({ status: 'SHIPPED' });
  });

  test('when staff mark it returned, then it is RETURNED and its stock is back', async () => {
    const order = await codOrderShipped();
    expect(await stockOf(order.product)).toBe(8);

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'return'))
      .send({ reason: 'refused at the door' })
      .expect(200);

    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect(await orderRow(panel.shop.db.pool, order.id)).toMatchObject({ status: 'RETURNED' });
    expect(await stockOf(order.product)).toBe(10);
  });
});

describe('Ship', () => {
  test('when staff ship a paid order with carrier and tracking number, then it is SHIPPED and the change is recorded as theirs', async () => {
    const order = await orderIn('PAID');

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'ship'))
      .send({ carrier: 'DHL', trackingNumber: 'JD0123' })
      .expect(200);

    expect(res.body.notice).toEqual({ type: 'success', message: `Order ${order.number} is now SHIPPED` });
    expect(res.body.redirectUrl).toBe(`/admin/resources/Order/records/${order.id}/show`);
    expect(res.body.record.params.status).toBe('SHIPPED');
    expect(await orderRow(panel.shop.db.pool, order.id)).toMatchObject({ status: 'SHIPPED', carrier: 'DHL', trackingNumber: 'JD0123' });
    const last = await panel.shop.db.pool.query(
      `SELECT from_status, to_status, actor FROM order_status_changes WHERE order_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [order.id],
    );
    expect(last.rows[0]).toEqual({ from_status: 'PAID', to_status: 'SHIPPED', actor: `staff:${panel.staffId}` });
  });

  test('when the tracking number is missing, then the form gets a field error and the order is unchanged', async () => {
    const order = await orderIn('PAID');
    const before = await orderRow(panel.shop.db.pool, order.id);

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'ship'))
      .send({ carrier: 'DHL', trackingNumber: ' ' })
      .expect(200);

    expect(res.body.notice.type).toBe('error');
    expect(Object.keys(res.body.record.errors)).toEqual(['trackingNumber']);
    expect(await orderRow(panel.shop.db.pool, order.id)).toEqual(before);
  });

  test('when the action is opened with GET (a link, a prefetch), then it only shows the order and changes nothing', async () => {
    const order = await orderIn('PAID');

    const res = await panel.staff.get(adminApi.recordAction('Order', order.id, 'ship')).expect(200);

    expect(res.body.record.params.status).toBe('PAID');
    expect((await orderRow(panel.shop.db.pool, order.id)).status).toBe('PAID');
  });

  test('when two staff ship the same order at once, then one succeeds and the other is told why not; one change is recorded', async () => {
    const order = await orderIn('PAID');
    const other = await signedInAgent(panel.shop, (await createStaff(panel.shop.db.pool)).email);

    const answers = await Promise.all(
      [panel.staff, other].map((agent) =>
        agent.post(adminApi.recordAction('Order', order.id, 'ship')).send({ carrier: 'UPS', trackingNumber: uniqueId('1Z') }),
      ),
    );

    const notices = answers.map((r) => r.body.notice).sort((a, b) => a.type.localeCompare(b.type));
    expect(notices).toEqual([
      { type: 'error', message: 'The order is SHIPPED and cannot become SHIPPED' },
      { type: 'success', message: `Order ${order.number} is now SHIPPED` },
    ]);
    const changes = await panel.shop.db.pool.query(`SELECT 1 FROM order_status_changes WHERE order_id = $1 AND to_status = 'SHIPPED'`, [order.id]);
    expect(changes.rowCount).toBe(1);
  });
});

describe('Deliver', () => {
  test('when staff deliver a shipped order, then it is DELIVERED', async () => {
    const order = await orderIn('SHIPPED');

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'deliver'))
      .send({})
      .expect(200);

    expect(res.body.notice.type).toBe('success');
    expect((await orderRow(panel.shop.db.pool, order.id)).status).toBe('DELIVERED');
  });

  test('when staff try to deliver an order that was never shipped, then the state machine refuses with a clear message and nothing changes', async () => {
    const order = await orderIn('PAID');
    const before = await orderRow(panel.shop.db.pool, order.id);

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'deliver'))
      .send({})
      .expect(200);

    expect(res.body.notice).toEqual({ type: 'error', message: 'The order is PAID and cannot become DELIVERED' });
    expect(res.body.redirectUrl).toBeUndefined();
    expect(await orderRow(panel.shop.db.pool, order.id)).toEqual(before);
  });
});

describe('Cancel', () => {
  test('when staff cancel an unpaid order with a reason, then it is CANCELLED, its stock is back and the reason is kept', async () => {
    const order = await orderIn('AWAITING_PAYMENT', 3);
    const stockBefore = await stockOf(order.product);

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'cancel'))
      .send({ reason: 'customer called' })
      .expect(200);

    expect(res.body.notice.type).toBe('success');
    expect((await orderRow(panel.shop.db.pool, order.id)).status).toBe('CANCELLED');
    expect(await stockOf(order.product)).toBe(stockBefore + 3);
    const last = await panel.shop.db.pool.query(`SELECT reason, actor FROM order_status_changes WHERE order_id = $1 AND to_status = 'CANCELLED'`, [order.id]);
    expect(last.rows[0]).toEqual({ reason: 'customer called', actor: `staff:${panel.staffId}` });
    expect(refunds.map((r) => r.orderId)).not.toContain(order.id);
  });

  test('when staff cancel a paid order, then its payment is refunded through the payments service (which cancels and refunds it)', async () => {
    const order = await orderIn('PAID', 3);

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'cancel'))
      .send({ reason: 'customer called' })
      .expect(200);

    expect(res.body.notice.type).toBe('success');
    expect(refunds).toContainEqual({ orderId: order.id, staffId: panel.staffId });
  });

  test('when staff try to cancel a shipped order, then it is refused and stock is untouched', async () => {
    const order = await orderIn('SHIPPED');
    const stockBefore = await stockOf(order.product);

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'cancel'))
      .send({})
      .expect(200);

    expect(res.body.notice).toEqual({ type: 'error', message: 'The order is SHIPPED and cannot become CANCELLED' });
    expect((await orderRow(panel.shop.db.pool, order.id)).status).toBe('SHIPPED');
    expect(await stockOf(order.product)).toBe(stockBefore);
  });
});

describe('Refund', () => {
  test('when staff refund a delivered order, then the payments service is called with the order and the staff member', async () => {
    const order = await orderIn('DELIVERED');

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'refund'))
      .send({})
      .expect(200);

    expect(res.body.notice.type).toBe('success');
    expect(refunds).toContainEqual({ orderId: order.id, staffId: panel.staffId });
  });

  test("when staff open the refund form, then it lists the order's lines with their ids and what is left to refund", async () => {
    const order = await orderIn('PAID');

    const res = await panel.staff.get(adminApi.recordAction('Order', order.id, 'refund')).expect(200);

    expect(res.body.record.orderDetails).toMatchObject({ refundedMinor: 0, items: [{ quantity: 2, refundedQuantity: 0, id: expect.any(String) }] });
    expect(refunds.map((r) => r.orderId)).not.toContain(order.id);
  });

  /** A delivered order's refund form, filled by `form` (given the order's one line) and sent. */
  async function refundInTheForm(form: (itemId: string) => Record<string, string>) {
    const order = await orderIn('DELIVERED');
    const { rows } = await panel.shop.db.pool.query<{ id: string }>(`SELECT id FROM order_items WHERE order_id = $1`, [order.id]);
    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'refund'))
      .send(form(rows[0].id))
      .expect(200);
    return { order, itemId: rows[0].id, res };
  }

  test.each([
    ['an amount', (_itemId: string) => ({ amount: '5.50' }), { amountMinor: 550 }],
    ['units of a line with restock', (itemId: string) => ({ [`line:${itemId}`]: '1', restock: 'true' }), { lines: [{ quantity: 1 }], restock: true }],
    ['nothing (all that is left)', () => ({ amount: '', restock: 'false' }), {}],
  ])('when staff refund %s in the form, then the payments service is asked for it', async (_case, form, asked) => {
    const { order, itemId, res } = await refundInTheForm(form);

    expect(res.body.notice.type).toBe('success');
    const request = refundRequests.get(order.id);
    expect(request).toMatchObject(asked);
    if (request?.lines) expect(request.lines[0].orderItemId).toBe(itemId);
  });

  test.each([
    ['an amount and units', (itemId: string) => ({ amount: '1.00', [`line:${itemId}`]: '1' })],
    ['units that are not a whole number', (itemId: string) => ({ [`line:${itemId}`]: '1.5' })],
    ['an amount that is not one', () => ({ amount: 'ten' })],
  ])('when the form has %s, then an error notice and the payments service is not called', async (_case, form) => {
    const { order, res } = await refundInTheForm(form);

    expect(res.body.notice.type).toBe('error');
    expect(refunds.map((r) => r.orderId)).not.toContain(order.id);
  });

  test('when the payments service refuses, then its reason is shown as an error notice', async () => {
    const order = await orderIn('SHIPPED');
    refusedRefund = order.id;

    const res = await panel.staff
      .post(adminApi.recordAction('Order', order.id, 'refund'))
      .send({})
      .expect(200);

    expect(res.body.notice).toEqual({ type: 'error', message: 'The gateway refused the refund' });
    expect(refunds.map((r) => r.orderId)).not.toContain(order.id);
    expect((await orderRow(panel.shop.db.pool, order.id)).status).toBe('SHIPPED');
  });
});

describe('who may act', () => {
  test('when a Clerk admin ships an order, then the change is recorded under their local user', async () => {
    const order = await orderIn('PAID');
    const clerkUserId = uniqueId('user');
    const token = await tokenFor(clerkUserId, { role: 'admin' });

    await supertest(panel.shop.app)
      .post(adminApi.recordAction('Order', order.id, 'ship'))
      .set('Authorization', `Bearer ${token}`)
      .send({ carrier: 'DHL', trackingNumber: 'X1' })
      .expect(200);

    const { rows } = await panel.shop.db.pool.query(
      `SELECT c.actor FROM order_status_changes c JOIN users u ON c.actor = 'staff:' || u.id WHERE c.order_id = $1 AND u.clerk_user_id = $2`,
      [order.id, clerkUserId],
    );
    expect(rows).toHaveLength(1);
  });

  test('when a customer posts an order action, then they are sent to the login page and the order is unchanged', async () => {
    const order = await orderIn('PAID');
    const token = await tokenFor(uniqueId('user'), { role: 'customer' });

    const res = await supertest(panel.shop.app)
      .post(adminApi.recordAction('Order', order.id, 'cancel'))
      .set('Authorization', `Bearer ${token}`)
      .send({});

    expect(res.status).toBe(302);
    expect((await orderRow(panel.shop.db.pool, order.id)).status).toBe('PAID');
  });
});
