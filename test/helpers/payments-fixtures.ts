// Orders made directly in the database, as checkout leaves them: AWAITING_PAYMENT with an
// expiry, one line, the stock already taken.
import type pg from 'pg';
import { inTransaction } from '../../src/shared/db.js';
import { transition } from '../../src/orders/state-machine.js';
import type { OrderStatus } from '../../src/orders/statuses.js';
import { startTestApp, tokenFor, uniqueId, type TestApp } from './test-app.js';

export type PayableOrder = {
  orderId: string;
  orderNumber: number;
  userId: string;
  /** the buyer's session token */
  token: string;
  productId: string;
  totalMinor: number;
  currency: string;
};

export async function createPayableOrder(
  pool: pg.Pool,
  options: { currency?: string; unitPriceMinor?: number; quantity?: number; stockLeft?: number; expiresInMinutes?: number } = {},
): Promise<PayableOrder> {
  const { currency = 'USD', unitPriceMinor = 1250, quantity = 2, stockLeft = 3, expiresInMinutes = 30 } = options;
  const clerkUserId = uniqueId('buyer');
  const sku = uniqueId('SKU');
  const { rows } = await pool.query<{ orderId: string; orderNumber: number; userId: string; productId: string }>(
    `WITH u AS (INSERT INTO users (clerk_user_id, email, name) VALUES ($1, $1 || '@buyers.test', 'Test Buyer') RETURNING id),
          p AS (INSERT INTO products (sku, slug, title, price_minor, currency, stock) VALUES ($2, lower($2), 'Test product ' || $2, $3, $4, $5) RETURNING id, title),
          o AS (INSERT INTO orders (user_id, currency, subtotal_minor, total_minor, item_count, expires_at)
                SELECT u.id, $4, $3 * $6, $3 * $6, $6, now() + make_interval(mins => $7) FROM u RETURNING id, number, user_id),
          i AS (INSERT INTO order_items (order_id, product_id, sku, title, unit_price_minor, quantity, line_total_minor)
                SELECT o.id, p.id, $2, p.title, $3, $6, $3 * $6 FROM o, p)
     SELECT o.id AS "orderId", o.number AS "orderNumber", o.user_id AS "userId", p.id AS "productId" FROM o, p`,
    [clerkUserId, sku, unitPriceMinor, currency, stockLeft, quantity, expiresInMinutes],
  );
  return { ...rows[0], token: await tokenFor(clerkUserId), totalMinor: unitPriceMinor * quantity, currency };
}

/** What the expiry job (or a cancel) does: through the state machine, so the stock goes back. */
export function moveOrder(pool: pg.Pool, orderId: string, to: OrderStatus, actor = 'system:expiry') {
  return inTransaction(pool, (tx) => transition(tx, orderId, to, { actor }));
}

export const staffToken = () => tokenFor(uniqueId('staff'), { role: 'admin' });

export async function setStock(pool: pg.Pool, productId: string, stock: number) {
  await pool.query(`UPDATE products SET stock = $2 WHERE id = $1`, [productId, stock]);
}

/** The order, its product's stock and its history, to assert on after each act. */
export async function orderState(pool: pg.Pool, order: PayableOrder) {
  const { rows } = await pool.query(
    `SELECT o.status, (SELECT stock FROM products WHERE id = $2) AS stock,
            (SELECT coalesce(json_agg(json_build_array(c.from_status, c.to_status) ORDER BY c.created_at), '[]') FROM order_status_changes c WHERE c.order_id = o.id) AS history
       FROM orders o WHERE o.id = $1`,
    [order.orderId, order.productId],
  );
  return rows[0] as { status: OrderStatus; stock: number; history: [string | null, string][] };
}

export async function paymentsOf(pool: pg.Pool, orderId: string) {
  const { rows } = await pool.query(
    `SELECT id, provider, status, amount_minor AS "amountMinor", currency, provider_ref AS "providerRef", refund_ref AS "refundRef", failure_reason AS "failureReason"
       FROM payments WHERE order_id = $1 ORDER BY created_at, id`,
    [orderId],
  );
  return rows as { id: string; provider: string; status: string; amountMinor: number; currency: string; providerRef: string | null; refundRef: string | null; failureReason: string | null }[];
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

/** Another app instance for one test: other settings, or a second instance on the same database. */
export async function withApp<T>(options: Parameters<typeof startTestApp>[0], work: (app: TestApp) => Promise<T>): Promise<T> {
  const app = await startTestApp(options);
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
