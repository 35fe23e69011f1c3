import type pg from 'pg';
import { inTransaction } from '../shared/db.js';
import { transition, type TransitionResult } from './state-machine.js';
import { canTransition, CAPTURED, type OrderStatus } from './statuses.js';

// What staff do to an order, shared by the staff REST routes and the admin panel's actions.

export function shipOrder(pool: pg.Pool, orderId: string, staffId: string, shipping: { carrier: string; trackingNumber: string }): Promise<TransitionResult> {
  return inTransaction(pool, (tx) => transition(tx, orderId, 'SHIPPED', { actor: `staff:${staffId}`, shipping }));
}

export function deliverOrder(pool: pg.Pool, orderId: string, staffId: string): Promise<TransitionResult> {
  return inTransaction(pool, (tx) => transition(tx, orderId, 'DELIVERED', { actor: `staff:${staffId}` }));
}

export type RefundOrder = (orderId: string, staffId: string) => Promise<unknown>;

/**
 * Staff cancel. When the order's payment was captured, cancelling also gives the money back:
 * the refund takes the order through CANCELLED (stock back unless shipped) to REFUNDED, so no
 * buyer stays charged for a cancelled order.
 */
export async function cancelOrderByStaff(pool: pg.Pool, refundOrder: RefundOrder, orderId: string, staffId: string, reason?: string): Promise<void> {
  const { rows } = await pool.query<{ status: OrderStatus; captured: boolean }>(
    `SELECT status, EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = $2::"PaymentStatus") AS captured FROM orders o WHERE id = $1`,
    [orderId, CAPTURED],
  );
  if (rows[0]?.captured && canTransition(rows[0].status, 'CANCELLED')) {
    await refundOrder(orderId, staffId);
    return;
  }
  await inTransaction(pool, (tx) => transition(tx, orderId, 'CANCELLED', { actor: `staff:${staffId}`, reason }));
}
