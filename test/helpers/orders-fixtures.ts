// Checkout stories: carts filled straight in the tables (independent of the cart routes), orders
// placed through checkout, and snapshots of what a refused request must leave untouched.
import type pg from 'pg';
import type supertest from 'supertest';
import type { UserFixture } from './fixtures.js';
import { DELIVERY } from './delivery-fixtures.js';

export type Line = { variantId: string; quantity: number };

/** Puts exactly these lines in the user's cart (in this order), replacing what was there. */
export async function fillCart(pool: pg.Pool, userId: string, lines: Line[]): Promise<void> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO carts (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET updated_at = now() RETURNING id`,
    [userId],
  );
  await pool.query(`DELETE FROM cart_items WHERE cart_id = $1`, [rows[0].id]);
  await pool.query(
    `INSERT INTO cart_items (cart_id, variant_id, quantity, added_at)
     SELECT $1, line.variant_id, line.quantity, now() + line.n * interval '1 millisecond'
       FROM unnest($2::uuid[], $3::int[]) WITH ORDINALITY AS line(variant_id, quantity, n)`,
    [rows[0].id, lines.map((l) => l.variantId), lines.map((l) => l.quantity)],
  );
}

/** Everything a refused request must leave untouched, in a comparable form. */
export async function snapshot(pool: pg.Pool, ids: { userIds?: string[]; variantIds?: string[] }) {
  const { rows } = await pool.query(
    `SELECT
       (SELECT json_agg(v ORDER BY v.id) FROM (SELECT id, stock, updated_at FROM product_variants WHERE id = ANY($2::uuid[])) v) AS variants,
       (SELECT json_agg(o ORDER BY o.id) FROM (SELECT id, status, updated_at, carrier, tracking_number FROM orders WHERE user_id = ANY($1::uuid[])) o) AS orders,
       (SELECT count(*) FROM order_status_changes h JOIN orders o ON o.id = h.order_id WHERE o.user_id = ANY($1::uuid[])) AS history,
       (SELECT json_agg(ci ORDER BY ci.variant_id) FROM (SELECT ci.variant_id, ci.quantity FROM cart_items ci JOIN carts c ON c.id = ci.cart_id
          WHERE c.user_id = ANY($1::uuid[])) ci) AS cart_items,
       (SELECT count(*) FROM idempotency_keys WHERE user_id = ANY($1::uuid[])) AS idempotency_keys`,
    [ids.userIds ?? [], ids.variantIds ?? []],
  );
  return rows[0];
}

type Agent = ReturnType<typeof supertest>;

/**
 * POST /api/checkout as this person, optionally with an Idempotency-Key; the body is `delivery`
 * (by default the free test delivery, delivery-fixtures.ts) with `body` over it.
 */
export function checkoutAs(request: Agent, person: UserFixture, options: { key?: string; body?: object; delivery?: object } = {}) {
  const req = request.post('/api/checkout').set('Authorization', `Bearer ${person.token}`);
  if (options.key !== undefined) req.set('Idempotency-Key', options.key);
  return req.send({ ...(options.delivery ?? DELIVERY), ...options.body });
}

/** A real order through checkout: the cart is filled with `lines` and checked out. */
export async function placeOrder(request: Agent, pool: pg.Pool, person: UserFixture, lines: Line[]): Promise<{ id: string; totalMinor: number }> {
  await fillCart(pool, person.id, lines);
  const res = await checkoutAs(request, person);
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
