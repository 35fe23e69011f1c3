import type pg from 'pg';
import { recordStaffAction } from '../audit/audit-trail.js';
import { inTransaction, type Tx } from '../shared/db.js';
import { IllegalTransition, transition, type TransitionResult } from './state-machine.js';
import { canTransition, CAPTURED, type OrderStatus } from './statuses.js';

// What staff do to an order, shared by the staff REST routes and the admin panel's actions.
// Each is recorded in the audit trail in the transaction that makes the move, after it: a
// refused move leaves no entry.

/** The audit trail's entry for a staff move of an order: the status change and what came with it. */
async function recordMove(tx: Tx, staffId: string, action: string, moved: TransitionResult, details: Record<string, unknown> = {}): Promise<TransitionResult> {
  const { rows } = await tx.query<{ number: number }>(`SELECT number FROM orders WHERE id = $1`, [moved.orderId]);
  await recordStaffAction(tx, {
    staffId,
    action,
    resource: 'Order',
    recordId: moved.orderId,
    recordTitle: String(rows[0].number),
    difference: { status: { before: moved.from, after: moved.to }, ...details },
  });
  return moved;
}

/**
 * Staff ship a paid order. Not while its refund is under way (a staff cancel of a paid order
 * claims the payment, then calls the gateway): the parcel would leave with the money on its way back.
 */
export function shipOrder(pool: pg.Pool, orderId: string, staffId: string, shipping: { carrier: string; trackingNumber: string }): Promise<TransitionResult> {
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ status: OrderStatus; refunding: boolean }>(
      `SELECT status, EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'REFUND_PENDING') AS refunding FROM orders o WHERE id = $1 FOR UPDATE`,
      [orderId],
    );
    if (rows[0]?.refunding) throw new IllegalTransition(rows[0].status, 'SHIPPED', 'its payment is being refunded');
    const moved = await transition(tx, orderId, 'SHIPPED', { actor: `staff:${staffId}`, shipping, lockedStatus: rows[0]?.status });
    return recordMove(tx, staffId, 'ship', moved, {
      carrier: { before: null, after: shipping.carrier },
      trackingNumber: { before: null, after: shipping.trackingNumber },
    });
  });
}

/** Staff mark an order delivered; for cash on delivery with the cash the courier collected (the order is then paid). */
export function deliverOrder(pool: pg.Pool, orderId: string, staffId: string, cashCollectedMinor?: number): Promise<TransitionResult> {
  return inTransaction(pool, async (tx) => {
    const moved = await transition(tx, orderId, 'DELIVERED', { actor: `staff:${staffId}`, cashCollectedMinor });
    return recordMove(
      tx,
      staffId,
      'deliver',
      moved,
      cashCollectedMinor === undefined ? {} : { cashCollectedMinor: { before: null, after: cashCollectedMinor } },
    );
  });
}

/** A cash-on-delivery parcel the buyer refused at the door came back: its stock goes back on the shelf. */
export function returnOrder(pool: pg.Pool, orderId: string, staffId: string, reason?: string): Promise<TransitionResult> {
  const why = reason ?? 'refused at the door';
  return inTransaction(pool, async (tx) => {
    const moved = await transition(tx, orderId, 'RETURNED', { actor: `staff:${staffId}`, reason: why });
    return recordMove(tx, staffId, 'return', moved, { reason: { before: null, after: why } });
  });
}

/**
 * `asStep`: the refund is one step of a move to `to` that staff decided on a status they read
 * (a cancel): it happens only while the order can still make that move, checked under the
 * order's lock with the claim; otherwise IllegalTransition, as the move itself would answer.
 */
export type RefundOptions = { asStep?: { to: OrderStatus } };
/** `request`: an amount, or order lines and their restock (src/payments/refunds.ts RefundRequest); none: all that is left. */
export type RefundOrder = (orderId: string, staffId: string, options?: RefundOptions, request?: StaffRefundRequest) => Promise<unknown>;
export type StaffRefundRequest = { amountMinor?: number; lines?: { orderItemId: string; quantity: number }[]; restock?: boolean };

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
    await refundOrder(orderId, staffId, { asStep: { to: 'CANCELLED' } });
    return;
  }
  await inTransaction(pool, async (tx) => {
    const moved = await transition(tx, orderId, 'CANCELLED', { actor: `staff:${staffId}`, reason });
    return recordMove(tx, staffId, 'cancel', moved, reason === undefined ? {} : { reason: { before: null, after: reason } });
  });
}
