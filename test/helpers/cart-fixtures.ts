import type { Db } from '../../src/shared/db.js';

/** The customer's cart lines as stored, oldest first: what the assertions compare against. */
export async function storedLines(db: Db, customer: { clerkUserId: string }): Promise<{ variantId: string; quantity: number }[]> {
  const { rows } = await db.pool.query(
    `SELECT ci.variant_id AS "variantId", ci.quantity
       FROM cart_items ci JOIN carts c ON c.id = ci.cart_id JOIN users u ON u.id = c.user_id
      WHERE u.clerk_user_id = $1 ORDER BY ci.added_at, ci.variant_id`,
    [customer.clerkUserId],
  );
  return rows;
}
