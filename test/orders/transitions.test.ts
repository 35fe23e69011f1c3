import supertest from 'supertest';
import { useTestShop } from '../helpers/test-app.js';
import { snapshot } from '../helpers/orders-fixtures.js';
import { inTransaction } from '../../src/shared/db.js';
import { IllegalTransition, transition } from '../../src/orders/state-machine.js';
import { PARTIALLY_REFUNDED_MOVES, TRANSITIONS, type Fulfilment, type OrderStatus } from '../../src/orders/statuses.js';
import { createOrder, createProduct, createUser, orderStatus, type ProductFixture, type UserFixture } from '../helpers/fixtures.js';

let customer: UserFixture;
let staff: UserFixture;
let product: ProductFixture;

const shop = useTestShop();
beforeAll(async () => {
  customer = await createUser(shop.db.pool);
  staff = await createUser(shop.db.pool, { role: 'admin' });
  product = await createProduct(shop.db.pool, { stock: 100 });
});

const STATUSES = Object.keys(TRANSITIONS) as OrderStatus[];
const illegalPairs = STATUSES.flatMap((from) => STATUSES.filter((to) => !TRANSITIONS[from].includes(to)).map((to) => [from, to] as const));

/** The order and everything around it that a refused transition must leave alone. */
const stateAround = () => snapshot(shop.db.pool, { userIds: [customer.id], variantIds: [product.variantId] });

describe('transition() over the TRANSITIONS table', () => {
  test('the table walk covers every state pair that is not allowed', () => {
    const allowed = STATUSES.reduce((n, s) => n + TRANSITIONS[s].length, 0);
    expect(illegalPairs).toHaveLength(STATUSES.length ** 2 - allowed);
  });

  test.each(illegalPairs)('when an order is %s and %s is asked, then IllegalTransition names the current status and nothing changes', async (from, to) => {
    const orderId = await createOrder(shop.db.pool, { userId: customer.id, status: from, lines: [{ product: product, quantity: 1 }] }).then((o) => o.id);
    const before = await stateAround();

    const attempt = inTransaction(shop.db.pool, (tx) =>
      transition(tx, orderId, to, { actor: `staff:${staff.id}`, shipping: { carrier: 'UPS', trackingNumber: '1Z' } }),
    );

    await expect(attempt).rejects.toThrow(IllegalTransition);
    await expect(attempt).rejects.toMatchObject({ status: 409, code: 'ILLEGAL_TRANSITION', currentStatus: from });
    expect(await stateAround()).toEqual(before);
  });
});

describe('transition() from PARTIALLY_REFUNDED, by where the goods are (PARTIALLY_REFUNDED_MOVES)', () => {
  const stamped: Record<Fulfilment, string[]> = { unshipped: [], shipped: ['shipped_at'], delivered: ['shipped_at', 'delivered_at'] };
  const cases = (Object.keys(PARTIALLY_REFUNDED_MOVES) as Fulfilment[]).flatMap((fulfilment) =>
    TRANSITIONS.PARTIALLY_REFUNDED.map((to) => [fulfilment, to, PARTIALLY_REFUNDED_MOVES[fulfilment].includes(to)] as const),
  );

  test.each(cases)('when the order is %s and %s is asked, then it is allowed: %s', async (fulfilment, to, allowed) => {
    const orderId = await createOrder(shop.db.pool, { userId: customer.id, status: 'PARTIALLY_REFUNDED', lines: [{ product: product, quantity: 1 }] }).then(
      (o) => o.id,
    );
    const stamps = stamped[fulfilment].map((column) => `${column} = now()`);
    if (stamps.length) await shop.db.pool.query(`UPDATE orders SET ${stamps.join(', ')} WHERE id = $1`, [orderId]);
    const before = await stateAround();

    const attempt = inTransaction(shop.db.pool, (tx) =>
      transition(tx, orderId, to, { actor: `staff:${staff.id}`, shipping: { carrier: 'UPS', trackingNumber: '1Z' } }),
    );

    if (allowed) {
      await expect(attempt).resolves.toMatchObject({ from: 'PARTIALLY_REFUNDED', to });
      expect(await orderStatus(shop.db.pool, orderId)).toBe(to);
    } else {
      await expect(attempt).rejects.toMatchObject({ status: 409, code: 'ILLEGAL_TRANSITION', currentStatus: 'PARTIALLY_REFUNDED' });
      expect(await stateAround()).toEqual(before);
    }
  });
});

// Each route and the one state it may start from (staff cancel: several).
const ROUTES: { name: string; path: (id: string) => string; as: () => UserFixture; body?: object; from: OrderStatus[] }[] = [
  { name: 'customer cancel', path: (id) => `/api/orders/${id}/cancel`, as: () => customer, from: ['AWAITING_PAYMENT'] },
  {
    name: 'staff ship',
    path: (id) => `/api/admin/orders/${id}/ship`,
    as: () => staff,
    body: { carrier: 'DHL', trackingNumber: 'JD0001' },
    from: ['PAID', 'CONFIRMED', 'PARTIALLY_REFUNDED'], // the fixture's partially refunded order is not shipped yet
  },
  { name: 'staff deliver', path: (id) => `/api/admin/orders/${id}/deliver`, as: () => staff, from: ['SHIPPED'] },
  {
    name: 'staff cancel',
    path: (id) => `/api/admin/orders/${id}/cancel`,
    as: () => staff,
    body: { reason: 'fraud' },
    from: ['AWAITING_PAYMENT', 'ON_HOLD', 'PAID', 'CONFIRMED', 'PARTIALLY_REFUNDED'],
  },
];
const refusedByRoute = ROUTES.flatMap((route) => STATUSES.filter((s) => !route.from.includes(s)).map((status) => [route.name, status, route] as const));

describe('order action routes from a status that does not allow them', () => {
  test.each(refusedByRoute)('when %s is asked of a %s order, then 409 ILLEGAL_TRANSITION naming it and nothing changes', async (_name, status, route) => {
    const orderId = await createOrder(shop.db.pool, { userId: customer.id, status: status, lines: [{ product: product, quantity: 1 }] }).then((o) => o.id);
    const before = await stateAround();

    const res = await shop.request
      .post(route.path(orderId))
      .set('Authorization', `Bearer ${route.as().token}`)
      .send(route.body ?? {})
      .expect(409);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'ILLEGAL_TRANSITION', currentStatus: status });
    expect(await stateAround()).toEqual(before);
  });
});

describe('racing transitions', () => {
  test('when staff ship and cancel one paid order at the same moment, then exactly one wins and one history row is written', async () => {
    const orderId = await createOrder(shop.db.pool, { userId: customer.id, status: 'PAID', lines: [{ product: product, quantity: 1 }] }).then((o) => o.id);
    const http = supertest(await shop.listen());
    const as = (path: string, body: object) => http.post(`/api/admin/orders/${orderId}/${path}`).set('Authorization', `Bearer ${staff.token}`).send(body);

    const [ship, cancel] = await Promise.all([as('ship', { carrier: 'DHL', trackingNumber: 'X1' }), as('cancel', {})]);

    expect([ship.status, cancel.status].sort()).toEqual([200, 409]);
    const winner = ship.status === 200 ? 'SHIPPED' : 'CANCELLED';
    expect(await orderStatus(shop.db.pool, orderId)).toBe(winner);
    expect((ship.status === 409 ? ship : cancel).body.currentStatus).toBe(winner);
    const { rows } = await shop.db.pool.query(`SELECT from_status, to_status FROM order_status_changes WHERE order_id = $1 AND from_status = 'PAID'`, [
      orderId,
    ]);
    expect(rows).toEqual([{ from_status: 'PAID', to_status: winner }]);
  });
});
