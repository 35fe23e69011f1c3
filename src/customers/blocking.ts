import type pg from 'pg';
import { recordStaffAction } from '../audit/audit-trail.js';
import { inTransaction, type Tx } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';

// Staff block a customer from checkout, with a reason, and unblock them. Each change is an
// audited staff action, recorded in its own transaction. Checkout and its quote refuse a
// blocked buyer (CustomerBlocked, src/orders/checkout.ts), reading the block where they read the
// cart (src/cart/read-cart.ts); checkout holds the buyer's row FOR SHARE there, so the UPDATE
// below waits for a checkout under way, and a checkout that starts after it sees the block.

/** How the audit trail and the panel name a customer (the panel's resource over users). */
export const CUSTOMER_RESOURCE = 'User';

type BlockState = { title: string; blocked: boolean; reason: string | null };

/** The customer's row, locked for the change; a staff account or an unknown id is not a customer. */
async function lockCustomer(tx: Tx, customerId: string): Promise<BlockState> {
  const { rows } = await tx.query<BlockState>(
    `SELECT coalesce(email, name, clerk_user_id, id::text) AS title, blocked_at IS NOT NULL AS blocked, block_reason AS reason
       FROM users WHERE id = $1 AND role = 'CUSTOMER' FOR NO KEY UPDATE`,
    [customerId],
  );
  if (!rows[0]) throw new NotFound('Customer');
  return rows[0];
}

/** Blocks the customer from checkout; blocking a blocked customer again replaces the reason (and who and when). */
export function blockCustomer(pool: pg.Pool, customerId: string, staffId: string, reason: string): Promise<void> {
  return inTransaction(pool, async (tx) => {
    const before = await lockCustomer(tx, customerId);
    await tx.query(`UPDATE users SET blocked_at = now(), block_reason = $2, blocked_by = $3, updated_at = now() WHERE id = $1`, [customerId, reason, staffId]);
    await recordStaffAction(tx, {
      staffId,
      action: 'block',
      resource: CUSTOMER_RESOURCE,
      recordId: customerId,
      recordTitle: before.title,
      difference: { blocked: { before: before.blocked, after: true }, blockReason: { before: before.reason, after: reason } },
    });
  });
}

/** Lets the customer check out again; a customer who is not blocked is left as they are (and nothing is recorded). */
export function unblockCustomer(pool: pg.Pool, customerId: string, staffId: string): Promise<void> {
  return inTransaction(pool, async (tx) => {
    const before = await lockCustomer(tx, customerId);
    if (!before.blocked) return;
    await tx.query(`UPDATE users SET blocked_at = NULL, block_reason = NULL, blocked_by = NULL, updated_at = now() WHERE id = $1`, [customerId]);
    await recordStaffAction(tx, {
      staffId,
      action: 'unblock',
      resource: CUSTOMER_RESOURCE,
      recordId: customerId,
      recordTitle: before.title,
      difference: { blocked: { before: true, after: false }, blockReason: { before: before.reason, after: null } },
    });
  });
}
