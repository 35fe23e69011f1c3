// Test data for checkout and orders: users, products, carts filled straight in the tables
// (independent of the cart routes), orders in any status, and snapshots of what may change.
import type pg from 'pg';
import type supertest from 'supertest';
import { tokenFor, uniqueId } from './test-app.js';
import type { OrderStatus } from '../../src/orders/statuses.js';

export type Person = { id: string; clerkUserId: string; email: string; token: string };

/** A user row plus a session token for it (role `admin` makes staff). */
export async function createPerson(pool: pg.Pool, role: 'customer' | 'admin' = 'customer'): Promise<Person> {
  const clerkUserId = uniqueId('user');
  const email = `${clerkUserId}@example.test`;
  const { rows } = await pool.query<{ id: string }>(`INSERT INTO users (clerk_user_id, email, role) VALUES ($1, $2, $3::"Role") RETURNING id`, [
    clerkUserId,
    email,
    role === 'admin' ? 'ADMIN' : 'CUSTOMER',
  ]);
  return { id: rows[0].id, clerkUserId, email, token: await tokenFor(clerkUserId, { role, email }) };
}

export type TestProduct = { id: string; sku: string; title: string; priceMinor: number };

export async function createProduct(pool: pg.Pool, fields: { stock: number; priceMinor?: number; active?: boolean; title?: string }): Promise<TestProduct> {
  const sku = uniqueId('SKU').toUpperCase();
  const { rows } = await pool.query<TestProduct>(
    `INSERT INTO products (sku, slug, title, price_minor, currency, stock, active) VALUES ($1, lower($1), $2, $3, 'USD', $4, $5)
     RETURNING id, sku, title, price_minor AS "priceMinor"`,
    [sku, fields.title ?? `Product ${sku}`, fields.priceMinor ?? 1000, fields.stock, fields.active ?? true],
  );
  return rows[0];
}

export type Line = { productId: string; quantity: number };

/** Puts exactly these lines in the user's cart (in this order), replacing what was there. */
export async function fillCart(pool: pg.Pool, userId: string, lines: Line[]): Promise<void> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO carts (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET updated_at = now() RETURNING id`,
    [userId],
  );
  await pool.query(`DELETE FROM cart_items WHERE cart_id = $1`, [rows[0].id]);
  await pool.query(
    `INSERT INTO cart_items (cart_id, product_id, quantity, added_at)
     SELECT $1, line.product_id, line.quantity, now() + line.n * interval '1 millisecond'
       FROM unnest($2::uuid[], $3::int[]) WITH ORDINALITY AS line(product_id, quantity, n)`,
    [rows[0].id, lines.map((l) => l.productId), lines.map((l) => l.quantity)],
  );
}

/** An order row in any status, with one line (no stock is moved: for refusals that must change nothing). */
export async function insertOrder(pool: pg.Pool, userId: string, status: OrderStatus, product: TestProduct): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `WITH created AS (
       INSERT INTO orders (user_id, status, currency, subtotal_minor, total_minor, item_count, expires_at)
       VALUES ($1, $2::"OrderStatus", 'USD', $4, $4, 1, now() + interval '30 minutes') RETURNING id
     ), line AS (
       INSERT INTO order_items (order_id, product_id, sku, title, unit_price_minor, quantity, line_total_minor)
       SELECT id, $3, 'SKU', 'Title', $4, 1, $4 FROM created
     )
     SELECT id FROM created`,
    [userId, status, product.id, product.priceMinor],
  );
  return rows[0].id;
}

/** Everything a refused request must leave untouched, in a comparable form. */
export async function snapshot(pool: pg.Pool, ids: { userIds?: string[]; productIds?: string[] }) {
  const { rows } = await pool.query(
    `SELECT
       (SELECT json_agg(p ORDER BY p.id) FROM (SELECT id, stock, updated_at FROM products WHERE id = ANY($2::uuid[])) p) AS products,
       (SELECT json_agg(o ORDER BY o.id) FROM (SELECT id, status, updated_at, carrier, tracking_number FROM orders WHERE user_id = ANY($1::uuid[])) o) AS orders,
       (SELECT count(*) FROM order_status_changes h JOIN orders o ON o.id = h.order_id WHERE o.user_id = ANY($1::uuid[])) AS history,
       (SELECT json_agg(ci ORDER BY ci.product_id) FROM (SELECT ci.product_id, ci.quantity FROM cart_items ci JOIN carts c ON c.id = ci.cart_id
          WHERE c.user_id = ANY($1::uuid[])) ci) AS cart_items,
       (SELECT count(*) FROM idempotency_keys WHERE user_id = ANY($1::uuid[])) AS idempotency_keys`,
    [ids.userIds ?? [], ids.productIds ?? []],
  );
  return rows[0];
}

export const stockOf = async (pool: pg.Pool, productId: string) =>
  (await pool.query<{ stock: number }>(`SELECT stock FROM products WHERE id = $1`, [productId])).rows[0].stock;

export const orderStatus = async (pool: pg.Pool, orderId: string) =>
  (await pool.query<{ status: OrderStatus }>(`SELECT status FROM orders WHERE id = $1`, [orderId])).rows[0].status;

type Agent = ReturnType<typeof supertest>;

/** POST /api/checkout as this person, optionally with an Idempotency-Key and a body. */
export function checkoutAs(request: Agent, person: Person, options: { key?: string; body?: object } = {}) {
  const req = request.post('/api/checkout').set('Authorization', `Bearer ${person.token}`);
  if (options.key !== undefined) req.set('Idempotency-Key', options.key);
  return options.body ? req.send(options.body) : req;
}

/** A real order through checkout: the cart is filled with `lines` and checked out. */
export async function placeOrder(request: Agent, pool: pg.Pool, person: Person, lines: Line[]): Promise<{ id: string; totalMinor: number }> {
  await fillCart(pool, person.id, lines);
  const res = await checkoutAs(request, person);
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
