// Cash on delivery: confirmed at checkout (no gateway, no expiry), shipped, then delivered with
// the cash the courier collected (a COD payment) or returned at the door (stock back).
import { useTestShop } from '../helpers/test-app.js';
import { checkoutAs, fillCart, snapshot } from '../helpers/orders-fixtures.js';
import { createProduct, createUser, orderStatus, stockOf, type ProductFixture, type UserFixture } from '../helpers/fixtures.js';
import { createShippingMethod } from '../helpers/delivery-fixtures.js';
import { expireOverdueOrders } from '../../src/orders/expiry-job.js';

const shop = useTestShop();

const DHAKA = { recipientName: 'Rahim Uddin', phone: '01712-345678', line1: 'House 12, Road 5', city: 'Dhaka', postalCode: '1205', country: 'BD' };

let staff: UserFixture;
let codMethod: { id: string };
beforeAll(async () => {
  staff = await createUser(shop.db.pool, { role: 'admin' });
  codMethod = await createShippingMethod(shop.db.pool, { countries: ['BD'], priceMinor: 150, codEnabled: true, codFeeMinor: 50 });
});

const asStaff = (action: string, orderId: string, body: object = {}) =>
  shop.request.post(`/api/admin/orders/${orderId}/${action}`).set('Authorization', staff.auth).send(body);

/** A buyer who checked out `quantity` of a new product (stock 10) with cash on delivery. */
async function codOrder(quantity = 2): Promise<{ buyer: UserFixture; product: ProductFixture; order: { id: string; totalMinor: number } }> {
  const buyer = await createUser(shop.db.pool);
  const product = await createProduct(shop.db.pool, { priceMinor: 1000, stock: 10 });
  await fillCart(shop.db.pool, buyer.id, [{ variantId: product.variantId, quantity }]);
  const res = await checkoutAs(shop.request, buyer, { delivery: { shippingAddress: DHAKA, shippingMethodId: codMethod.id, paymentMethod: 'cod' } }).expect(201);
  return { buyer, product, order: res.body };
}

describe('checkout with cash on delivery', () => {
  test('when a buyer checks out with cash on delivery, then the order is CONFIRMED at once, holds its stock, never expires, and its total carries the COD fee', async () => {
    const { buyer, product, order } = await codOrder(2);

    const res = await shop.request.get(`/api/orders/${order.id}`).set('Authorization', buyer.auth).expect(200);

    expect(res.body).toMatchObject({
      status: 'CONFIRMED',
      paymentMethod: 'cod',
      subtotalMinor: 2000,
      shippingMinor: 150,
      codFeeMinor: 50,
      totalMinor: 2200,
      expiresAt: null,
      paidAt: null,
      cashCollectedMinor: null,
      payments: [],
      history: [{ from: null, to: 'CONFIRMED', actor: 'customer' }],
    });
    expect(await stockOf(shop.db.pool, product)).toBe(8);
    await shop.db.pool.query(`UPDATE orders SET created_at = now() - interval '3 days' WHERE id = $1`, [order.id]);
    await expireOverdueOrders(shop.db.pool);
    expect(await orderStatus(shop.db.pool, order.id)).toBe('CONFIRMED');
  });

  test('when the quote asks for cash on delivery, then it adds the fee, as checkout does', async () => {
    const buyer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { priceMinor: 1000, stock: 10 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: product.variantId, quantity: 1 }]);

    const online = await shop.request
      .post('/api/checkout/quote')
      .set('Authorization', buyer.auth)
      .send({ shippingAddress: DHAKA, shippingMethodId: codMethod.id })
      .expect(200);
    const cod = await shop.request
      .post('/api/checkout/quote')
      .set('Authorization', buyer.auth)
      .send({ shippingAddress: DHAKA, shippingMethodId: codMethod.id, paymentMethod: 'cod' })
      .expect(200);

    expect([online.body.codFeeMinor, online.body.totalMinor, online.body.paymentMethod]).toEqual([0, 1150, null]);
    expect([cod.body.codFeeMinor, cod.body.totalMinor, cod.body.paymentMethod]).toEqual([50, 1200, 'cod']);
  });

  test('when the shipping method does not offer cash on delivery, then 422 COD_NOT_AVAILABLE and nothing changes', async () => {
    const prepaidOnly = await createShippingMethod(shop.db.pool, { countries: ['BD'], codEnabled: false });
    const buyer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 10 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: product.variantId, quantity: 1 }]);
    const ids = { userIds: [buyer.id], variantIds: [product.variantId] };
    const before = await snapshot(shop.db.pool, ids);

    const res = await checkoutAs(shop.request, buyer, { delivery: { shippingAddress: DHAKA, shippingMethodId: prepaidOnly.id, paymentMethod: 'cod' } }).expect(
      422,
    );

    expect(res.body).toMatchObject({ code: 'COD_NOT_AVAILABLE', shippingMethodId: prepaidOnly.id });
    expect(await snapshot(shop.db.pool, ids)).toEqual(before);
  });

  test('when the body asks for another payment method, then 400 naming the field', async () => {
    const buyer = await createUser(shop.db.pool);
    const res = await checkoutAs(shop.request, buyer, { delivery: { shippingAddress: DHAKA, shippingMethodId: codMethod.id, paymentMethod: 'cheque' } }).expect(
      400,
    );
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('paymentMethod');
  });

  test('when the buyer tries to pay a cash-on-delivery order online, then 409 ORDER_NOT_PAYABLE and no payment is made', async () => {
    const { buyer, order } = await codOrder();

    const res = await shop.request.post(`/api/orders/${order.id}/payments`).set('Authorization', buyer.auth).send({ provider: 'mock' }).expect(409);

    expect(res.body.code).toBe('ORDER_NOT_PAYABLE');
    expect((await shop.db.pool.query(`SELECT count(*)::int AS n FROM payments WHERE order_id = $1`, [order.id])).rows[0].n).toBe(0);
  });
});

describe('cash on delivery, staff side', () => {
  test('when staff ship it and mark it delivered with the cash collected, then it is DELIVERED and paid, with one COD payment of that cash', async () => {
    const { buyer, product, order } = await codOrder(2);
    await asStaff('ship', order.id, { carrier: 'Pathao', trackingNumber: 'PT-1' }).expect(200);

    const refused = await asStaff('deliver', order.id).expect(409);
    const delivered = await asStaff('deliver', order.id, { cashCollectedMinor: 2200 }).expect(200);
    await asStaff('deliver', order.id, { cashCollectedMinor: 2200 }).expect(409); // once

    expect(refused.body).toMatchObject({ code: 'ILLEGAL_TRANSITION', currentStatus: 'SHIPPED', requestedStatus: 'DELIVERED' });
    expect(refused.body.detail).toMatch(/cash/);
    expect(delivered.body).toMatchObject({
      status: 'DELIVERED',
      cashCollectedMinor: 2200,
      payments: [{ provider: 'cod', status: 'SUCCEEDED', amountMinor: 2200 }],
    });
    expect(delivered.body.paidAt).not.toBeNull();
    const { rows } = await shop.db.pool.query(`SELECT provider, status, amount_minor FROM payments WHERE order_id = $1`, [order.id]);
    expect(rows).toEqual([{ provider: 'COD', status: 'SUCCEEDED', amount_minor: 2200 }]);
    expect(await stockOf(shop.db.pool, product)).toBe(8); // the goods are with the buyer
    const mine = await shop.request.get(`/api/orders/${order.id}`).set('Authorization', buyer.auth).expect(200);
    expect(mine.body.history.map((h: { to: string }) => h.to)).toEqual(['CONFIRMED', 'SHIPPED', 'DELIVERED']);
  });

  test('when the buyer refuses it at the door, then staff mark it RETURNED and its stock comes back; no payment', async () => {
    const { product, order } = await codOrder(3);
    await asStaff('ship', order.id, { carrier: 'Pathao', trackingNumber: 'PT-2' }).expect(200);
    expect(await stockOf(shop.db.pool, product)).toBe(7);

    const res = await asStaff('return', order.id, { reason: 'buyer refused the parcel' }).expect(200);

    expect(res.body).toMatchObject({ status: 'RETURNED', payments: [] });
    expect(res.body.history.at(-1)).toMatchObject({ from: 'SHIPPED', to: 'RETURNED', reason: 'buyer refused the parcel' });
    expect(await stockOf(shop.db.pool, product)).toBe(10);
  });

  test('when an order paid online is shipped, then "returned" is refused: 409 and nothing changes', async () => {
    const buyer = await createUser(shop.db.pool);
    const product = await createProduct(shop.db.pool, { stock: 5 });
    await fillCart(shop.db.pool, buyer.id, [{ variantId: product.variantId, quantity: 1 }]);
    const placed = await checkoutAs(shop.request, buyer).expect(201);
    await shop.db.pool.query(`UPDATE orders SET status = 'SHIPPED' WHERE id = $1`, [placed.body.id]);

    const res = await asStaff('return', placed.body.id).expect(409);

    expect(res.body).toMatchObject({ code: 'ILLEGAL_TRANSITION', currentStatus: 'SHIPPED', requestedStatus: 'RETURNED' });
    expect(await orderStatus(shop.db.pool, placed.body.id)).toBe('SHIPPED');
    expect(await stockOf(shop.db.pool, product)).toBe(4);
  });

  test('when staff cancel a confirmed cash-on-delivery order, then it is CANCELLED with its stock back and nothing to refund', async () => {
    const { product, order } = await codOrder(2);

    const res = await asStaff('cancel', order.id, { reason: 'out of delivery area' }).expect(200);

    expect(res.body).toMatchObject({ status: 'CANCELLED', payments: [] });
    expect(await stockOf(shop.db.pool, product)).toBe(10);
  });

  test('when staff try to refund a delivered cash-on-delivery order online, then 409 NOT_REFUNDABLE (the cash goes back by hand)', async () => {
    const { order } = await codOrder(1);
    await asStaff('ship', order.id, { carrier: 'Pathao', trackingNumber: 'PT-3' }).expect(200);
    await asStaff('deliver', order.id, { cashCollectedMinor: 1200 }).expect(200);

    const res = await asStaff('refund', order.id).expect(409);

    expect(res.body.code).toBe('NOT_REFUNDABLE');
    expect(await orderStatus(shop.db.pool, order.id)).toBe('DELIVERED');
  });

  test.each([[{ cashCollectedMinor: -1 }], [{ cashCollectedMinor: 10.5 }], [{ cashCollectedMinor: '2200' }], [{ cash: 2200 }]])(
    'when the delivery body is %p, then 400 and the order stays SHIPPED',
    async (body) => {
      const { order } = await codOrder(1);
      await asStaff('ship', order.id, { carrier: 'Pathao', trackingNumber: 'PT-4' }).expect(200);

      await asStaff('deliver', order.id, body).expect(400);

      expect(await orderStatus(shop.db.pool, order.id)).toBe('SHIPPED');
    },
  );
});
