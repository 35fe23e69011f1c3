// Payment stories: an order awaiting payment with its own buyer and product, and what to
// assert on after a gateway message.
import type pg from 'pg';
import { inTransaction } from '../../src/shared/db.js';
import { transition } from '../../src/orders/state-machine.js';
import type { OrderStatus } from '../../src/orders/statuses.js';
import { createOrder, createProduct, createUser } from './fixtures.js';
import type { TestApp } from './test-app.js';

/** Storefront pages the gateways send the buyer back to (settings for useTestShop's env). */
export const STOREFRONT = {
  STOREFRONT_SUCCESS_URL: 'https://store.test/paid',
  STOREFRONT_FAIL_URL: 'https://store.test/failed',
  STOREFRONT_CANCEL_URL: 'https://store.test/cancelled',
};

export type PayableOrder = {
  orderId: string;
  orderNumber: number;
  userId: string;
  /** the buyer's session token */
  token: string;
  productId: string;
  variantId: string;
  totalMinor: number;
  currency: string;
};

/** An order as checkout leaves it (AWAITING_PAYMENT, one line, `stockLeft` on the shelf), with its own buyer and product. */
export async function createPayableOrder(
  pool: pg.Pool,
  options: { currency?: string; unitPriceMinor?: number; quantity?: number; stockLeft?: number; expiresInMinutes?: number } = {},
): Promise<PayableOrder> {
  const { currency = 'USD', unitPriceMinor = 1250, quantity = 2, stockLeft = 3, expiresInMinutes = 30 } = options;
  const buyer = await createUser(pool, { name: 'Test Buyer' });
  const product = await createProduct(pool, { priceMinor: unitPriceMinor, currency, stock: stockLeft + quantity });
  const order = await createOrder(pool, { userId: buyer.id, lines: [{ product, quantity }], currency, expiresInMinutes });
  return {
    orderId: order.id,
    orderNumber: order.number,
    userId: buyer.id,
    token: buyer.token,
    productId: product.id,
    variantId: product.variantId,
    totalMinor: order.totalMinor,
    currency,
  };
}

/** What the expiry job (or a cancel) does: through the state machine, so the stock goes back. */
export function moveOrder(pool: pg.Pool, orderId: string, to: OrderStatus, actor = 'system:expiry') {
  return inTransaction(pool, (tx) => transition(tx, orderId, to, { actor }));
}

export async function setStock(pool: pg.Pool, variantId: string, stock: number) {
  await pool.query(`UPDATE product_variants SET stock = $2 WHERE id = $1`, [variantId, stock]);
}

/** The order, its variant's stock and its history, to assert on after each act. */
export async function orderState(pool: pg.Pool, order: PayableOrder) {
  const { rows } = await pool.query(
    `SELECT o.status, (SELECT stock FROM product_variants WHERE id = $2) AS stock,
            (SELECT coalesce(json_agg(json_build_array(c.from_status, c.to_status) ORDER BY c.created_at), '[]') FROM order_status_changes c WHERE c.order_id = o.id) AS history
       FROM orders o WHERE o.id = $1`,
    [order.orderId, order.variantId],
  );
  return rows[0] as { status: OrderStatus; stock: number; history: [string | null, string][] };
}

export async function paymentsOf(pool: pg.Pool, orderId: string) {
  const { rows } = await pool.query(
    `SELECT id, provider, status, amount_minor AS "amountMinor", currency, provider_ref AS "providerRef", refund_ref AS "refundRef", failure_reason AS "failureReason"
       FROM payments WHERE order_id = $1 ORDER BY created_at, id`,
    [orderId],
  );
  return rows as {
    id: string;
    provider: string;
    status: string;
    amountMinor: number;
    currency: string;
    providerRef: string | null;
    refundRef: string | null;
    failureReason: string | null;
  }[];
}

export async function inboxOf(pool: pg.Pool, paymentId: string) {
  const { rows } = await pool.query(
    `SELECT provider, provider_event_id AS "eventId", type, outcome FROM payment_events WHERE payment_id = $1 ORDER BY received_at, id`,
    [paymentId],
  );
  return rows as { provider: string; eventId: string; type: string; outcome: string }[];
}

export async function countInbox(pool: pg.Pool) {
  const { rows } = await pool.query(`SELECT count(*) AS n FROM payment_events`);
  return rows[0].n as number;
}

/** Opens a mock payment for the order, as its buyer; answers the payment id. */
export async function startMockPayment(shop: TestApp, order: PayableOrder): Promise<string> {
  const res = await shop.request
    .post(`/api/orders/${order.orderId}/payments`)
    .set('Authorization', `Bearer ${order.token}`)
    .send({ provider: 'mock' })
    .expect(201);
  return res.body.id;
}
