import type pg from 'pg';
import type { Logger } from 'pino';
import { inTransaction, type Tx } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { IllegalTransition, transition } from '../orders/state-machine.js';
import { canTransition, CAPTURED, REFUND_PATH, type OrderStatus } from '../orders/statuses.js';
import { recordEvent } from '../jobs/outbox.js';
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
  for (const step of (status && REFUND_PATH[status]) || [])
    await transition(tx, orderId, step, { actor, reason: 'payment refunded', stockReason: 'refund_restock' });
}

/**
 * The outbox topic of a refund claimed (a payment moved to REFUND_PENDING), written in the claim's
 * transaction: its job (payments-refund) tries the refund until it is recorded, so no claimed
 * refund is left behind. `orderFollows`: a staff refund takes the order to REFUNDED; an automatic
 * one (a payment the order could not take) leaves the order as it is.
 */
export const REFUND_CLAIMED = 'payment.refund_claimed';
export type RefundClaim = { paymentId: string; orderId: string; actor: string; orderFollows: boolean };

export const recordRefundClaim = (tx: Tx, claim: RefundClaim) => recordEvent(tx, REFUND_CLAIMED, claim);

/** Another attempt at the same refund holds the payment's lease: this one is tried again later. */
export class RefundInProgress extends Error {
  constructor(paymentId: string) {
    super(`another attempt at the refund of payment ${paymentId} is running`);
  }
}

/**
 * Longer than an attempt's two gateway calls (ask, refund) can take, with a margin for the
 * database: a lease outliving its attempt means the process died, and the next attempt after it
 * asks the gateway what happened.
 */
const leaseSeconds = (providers: Providers) => Math.ceil((2 * providers.callTimeoutMs) / 1000) + 10;

type LeasedPayment = PaymentRow & { attempt: number };

/**
 * One attempt at a claimed refund, under a lease on the payment so two attempts never run at
 * once. An attempt after the first asks the gateway whether an earlier one refunded already
 * (its outcome may never have been recorded) and issues the refund only when it did not.
 * A failure leaves the payment REFUND_PENDING with the reason, for staff and the next attempt.
 */
export async function attemptRefund(deps: PaymentDeps, claim: RefundClaim): Promise<PaymentRow> {
  const payment = await takeRefundLease(deps.pool, claim.paymentId, leaseSeconds(deps.providers));
  if (!payment) {
    const { rows } = await deps.pool.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE id = $1`, [claim.paymentId]);
    if (rows[0] && rows[0].status !== 'REFUND_PENDING') return rows[0]; // settled already
    throw new RefundInProgress(claim.paymentId);
  }
  let refundRef: string;
  try {
    const provider = deps.providers.get(providerId(payment.provider));
    const made = payment.attempt > 1 ? await provider.findRefund(payment) : null;
    // Per attempt, not per payment: Stripe replays a key's first answer (errors too) for 24 hours,
    // so a retry after a failure needs a new key. Refunding twice is prevented by asking first.
    refundRef = made?.refundRef ?? (await provider.refund(payment, `refund-${payment.id}-${payment.attempt}`)).refundRef;
  } catch (err) {
    const reason = `refund failed (attempt ${payment.attempt}): ${err instanceof Error ? err.message : 'unknown error'}`;
    await deps.pool.query(
      `UPDATE payments SET failure_reason = $2, refund_lease_until = NULL, updated_at = now() WHERE id = $1 AND status = 'REFUND_PENDING'`,
      [payment.id, reason],
    );
    deps.logger.error({ paymentId: payment.id, provider: payment.provider, reason }, 'refund through the provider failed; its job tries again');
    throw err;
  }
  return recordRefund(deps.pool, payment, refundRef, claim);
}

async function takeRefundLease(pool: pg.Pool, paymentId: string, leaseSeconds: number): Promise<LeasedPayment | undefined> {
  const { rows } = await pool.query<LeasedPayment>(
    `UPDATE payments p SET refund_attempts = refund_attempts + 1, refund_lease_until = now() + make_interval(secs => $2)
      WHERE id = $1 AND status = 'REFUND_PENDING' AND (refund_lease_until IS NULL OR refund_lease_until < now())
      RETURNING ${PAYMENT_COLUMNS}, p.refund_attempts AS attempt`,
    [paymentId, leaseSeconds],
  );
  return rows[0];
}

async function recordRefund(pool: pg.Pool, payment: PaymentRow, refundRef: string, claim: RefundClaim): Promise<PaymentRow> {
  return inTransaction(pool, async (tx) => {
    await lockOrderStatus(tx, payment.orderId);
    const { rows } = await tx.query<PaymentRow>(
      `UPDATE payments p SET status = 'REFUNDED', refund_ref = $2, failure_reason = NULL, refund_lease_until = NULL, updated_at = now()
        WHERE id = $1 AND status = 'REFUND_PENDING' RETURNING ${PAYMENT_COLUMNS}`,
      [payment.id, refundRef],
    );
    if (!rows.length) return payment;
    await tx.query(
      `INSERT INTO payment_events (provider, provider_event_id, type, payload, payment_id, outcome, processed_at)
       VALUES ($1, $2, 'refund.issued', $3, $4, 'applied', now()) ON CONFLICT (provider, provider_event_id) DO NOTHING`,
      [payment.provider, `refund:${refundRef}`, { refundRef, amountMinor: payment.amountMinor, currency: payment.currency, actor: claim.actor }, payment.id],
    );
    await recordRefunded(tx, rows[0]);
    if (claim.orderFollows) await closeOrderAfterRefund(tx, payment.orderId, claim.actor);
    return rows[0];
  });
}

/** PAYMENT_REFUNDED, in the transaction that records the refund. */
export async function recordRefunded(tx: Tx, payment: PaymentRow): Promise<void> {
  const event: PaymentRefunded = { paymentId: payment.id, orderId: payment.orderId, amountMinor: payment.amountMinor, currency: payment.currency };
  await recordEvent(tx, PAYMENT_REFUNDED, event);
}

export type OrderRefund = { orderId: string; orderStatus: OrderStatus; payment: PaymentRow };

/**
 * Staff refund of an order's captured payment. The claim (SUCCEEDED -> REFUND_PENDING under
 * the order's lock, with its job in the outbox) happens before the provider is called, so two
 * refund requests at once make one provider refund and one 409. When the gateway fails, the
 * answer is its error, and the job retries the refund (REFUND_RETRY_DELAY_SECONDS).
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
    const claim = { paymentId: rows[0].id, orderId, actor: `staff:${staffId}`, orderFollows: true };
    await recordRefundClaim(tx, claim);
    return claim;
  });
  // One try now, for the answer; when it fails, the claim's job goes on trying.
  const payment = await attemptRefund(deps, claimed).catch(async (err) => {
    if (!(err instanceof RefundInProgress)) throw err;
    const { rows } = await deps.pool.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE id = $1`, [claimed.paymentId]);
    return rows[0];
  });
  const { rows } = await deps.pool.query<{ status: OrderStatus }>(`SELECT status FROM orders WHERE id = $1`, [orderId]);
  return { orderId, orderStatus: rows[0].status, payment };
}

/** The staff refund as the order actions call it (REST, staff panel), over the app's providers. */
export function staffRefunder(deps: PaymentDeps): RefundOrder {
  return (orderId, staffId, options) => refundOrder(deps, orderId, staffId, options);
}
