import type pg from 'pg';
import type { Logger } from 'pino';
import { inTransaction, type Tx } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { IllegalTransition, transition } from '../orders/state-machine.js';
import { canTransition, CAPTURED, REFUND_PATH, type OrderStatus } from '../orders/statuses.js';
import { NotRefundable } from './errors.js';
import { PAYMENT_COLUMNS, type PaymentRow } from './payment-row.js';
import { providerId } from './providers/provider.js';
import type { Providers } from './providers/registry.js';
import type { RefundOptions, RefundOrder } from '../orders/staff-actions.js';

/**
 * The outbox topic (src/jobs/outbox.ts) of a refund recorded as issued, by us or at the gateway:
 * `{ paymentId, orderId, amountMinor, currency }`, written in the recording transaction.
 */
export const PAYMENT_REFUNDED = 'payment.refunded';
export type PaymentRefunded = { paymentId: string; orderId: string; amountMinor: number; currency: string };

export type PaymentDeps = { pool: pg.Pool; providers: Providers; logger: Logger };

export async function lockOrderStatus(tx: Tx, orderId: string): Promise<OrderStatus | undefined> {
  const { rows } = await tx.query<{ status: OrderStatus }>(`SELECT status FROM orders WHERE id = $1 FOR UPDATE`, [orderId]);
  return rows[0]?.status;
}

/** Moves the order of a refunded payment to REFUNDED, inside the caller's transaction. */
export async function closeOrderAfterRefund(tx: Tx, orderId: string, actor: string): Promise<void> {
  const status = await lockOrderStatus(tx, orderId);
  for (const step of (status && REFUND_PATH[status]) || []) await transition(tx, orderId, step, { actor, reason: 'payment refunded' });
}

/**
 * Refunds a payment already claimed (REFUND_PENDING) through its provider, then records it.
 * `orderFollows`: a staff refund takes the order to REFUNDED; an automatic one (a payment the
 * order could not take) leaves the order as it is. When the provider fails, a staff refund is
 * released back to SUCCEEDED (to be tried again) and an automatic one stays REFUND_PENDING
 * with the reason, for staff to see.
 */
export async function refundClaimedPayment(deps: PaymentDeps, payment: PaymentRow, actor: string, orderFollows: boolean): Promise<PaymentRow> {
  let refundRef: string;
  // Per claim, not per payment: Stripe replays a key's first answer (errors too) for 24 hours,
  // so a retry after a failure needs a new key. Refunding twice is prevented by the claim.
  const attemptKey = `refund-${payment.id}-${payment.updatedAt.getTime()}`;
  try {
    ({ refundRef } = await deps.providers.get(providerId(payment.provider)).refund(payment, attemptKey));
  } catch (err) {
    const reason = `refund failed: ${err instanceof Error ? err.message : 'unknown error'}`;
    await deps.pool.query(
      `UPDATE payments SET status = CASE WHEN $3 THEN $4::"PaymentStatus" ELSE status END, failure_reason = $2, updated_at = now()
        WHERE id = $1 AND status = 'REFUND_PENDING'`,
      [payment.id, reason, orderFollows, CAPTURED],
    );
    deps.logger.error({ paymentId: payment.id, provider: payment.provider, reason }, 'refund through the provider failed');
    throw err;
  }
  return inTransaction(deps.pool, async (tx) => {
    await lockOrderStatus(tx, payment.orderId);
    const { rows } = await tx.query<PaymentRow>(
      `UPDATE payments p SET status = 'REFUNDED', refund_ref = $2, failure_reason = NULL, updated_at = now()
        WHERE id = $1 AND status = 'REFUND_PENDING' RETURNING ${PAYMENT_COLUMNS}`,
      [payment.id, refundRef],
    );
    await tx.query(
      `INSERT INTO payment_events (provider, provider_event_id, type, payload, payment_id, outcome, processed_at)
       VALUES ($1, $2, 'refund.issued', $3, $4, 'applied', now()) ON CONFLICT (provider, provider_event_id) DO NOTHING`,
      [payment.provider, `refund:${refundRef}`, { refundRef, amountMinor: payment.amountMinor, currency: payment.currency, actor }, payment.id],
    );
    if (orderFollows) await closeOrderAfterRefund(tx, payment.orderId, actor);
    return rows[0] ?? payment;
  });
}

export type OrderRefund = { orderId: string; orderStatus: OrderStatus; payment: PaymentRow };

/**
 * Staff refund of an order's captured payment. The claim (SUCCEEDED -> REFUND_PENDING under
 * the order's lock) happens before the provider is called, so two refund requests at once
 * make one provider refund and one 409.
 */
export async function refundOrder(deps: PaymentDeps, orderId: string, staffId: string, options: RefundOptions = {}): Promise<OrderRefund> {
  const claimed = await inTransaction(deps.pool, async (tx) => {
    const status = await lockOrderStatus(tx, orderId);
    if (!status) throw new NotFound('Order');
    // a cancel's refund, decided on the status staff read: the order may have moved on (shipped)
    if (options.asStep && !canTransition(status, options.asStep.to)) throw new IllegalTransition(status, options.asStep.to);
    if (!REFUND_PATH[status]) throw new NotRefundable(`The order is ${status}; only an order that is ${Object.keys(REFUND_PATH).join(', ')} can be refunded`);
    const { rows } = await tx.query<PaymentRow>(
      `UPDATE payments p SET status = 'REFUND_PENDING', updated_at = now()
        WHERE id = (SELECT id FROM payments WHERE order_id = $1 AND status = $2::"PaymentStatus" AND provider <> 'COD' ORDER BY updated_at DESC LIMIT 1)
          AND status = $2::"PaymentStatus" RETURNING ${PAYMENT_COLUMNS}`,
      [orderId, CAPTURED],
    );
    // cash collected at the door goes back by hand, not through a gateway
    if (!rows.length)
      throw new NotRefundable('The order has no captured online payment to refund: it was refunded already, a refund is under way, or it was paid in cash');
    return rows[0];
  });
  const payment = await refundClaimedPayment(deps, claimed, `staff:${staffId}`, true);
  const { rows } = await deps.pool.query<{ status: OrderStatus }>(`SELECT status FROM orders WHERE id = $1`, [orderId]);
  return { orderId, orderStatus: rows[0].status, payment };
}

/** The staff refund as the order actions call it (REST, staff panel), over the app's providers. */
export function staffRefunder(deps: PaymentDeps): RefundOrder {
  return (orderId, staffId, options) => refundOrder(deps, orderId, staffId, options);
}
