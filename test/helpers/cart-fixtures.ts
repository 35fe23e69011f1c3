import type { Db } from '../../src/shared/db.js';
import { tokenFor, uniqueId } from './test-app.js';

export type Customer = { clerkUserId: string; auth: string };

/** A new customer and the Authorization header of their session. */
export async function newCustomer(): Promise<Customer> {
  const clerkUserId = uniqueId('user');
  return { clerkUserId, auth: `Bearer ${await tokenFor(clerkUserId)}` };
}

/** The customer's cart lines as stored, oldest first: what the assertions compare against. */
export async function storedLines(db: Db, customer: Customer): Promise<{ productId: string; quantity: number }[]> {
  const { rows } = await db.pool.query(
    `SELECT ci.product_id AS "productId", ci.quantity
       FROM cart_items ci JOIN carts c ON c.id = ci.cart_id JOIN users u ON u.id = c.user_id
      WHERE u.clerk_user_id = $1 ORDER BY ci.added_at, ci.product_id`,
    [customer.clerkUserId],
  );
  return rows;
}
