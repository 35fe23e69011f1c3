import type pg from 'pg';
import type { Logger } from 'pino';
import { inTransaction, type Tx } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { recordStaffAction } from '../audit/audit-trail.js';
import { IllegalTransition, transition } from '../orders/state-machine.js';
import {
  canTransition,
  CAPTURED,
  fulfilmentOf,
  PARTIAL_REFUND_FROM,
  PARTIALLY_REFUNDED,
  REFUND_PATH,
  refundPath,
  type Fulfilment,
  type OrderStatus,
} from '../orders/statuses.js';
import { recordEvent } from '../jobs/outbox.js';
import { NotRefundable, RefundExceedsRemaining } from './errors.js';
import { PAYMENT_COLUMNS, type PaymentRow } from './payment-row.js';
import { providerId } from './providers/provider.js';
import type { Providers } from './providers/registry.js';
import { priceRefundLines, recordRefundedLines, type RefundedLine, type RefundLineRequest } from './refund-lines.js';
import type { RefundOptions, RefundOrder } from '../orders/staff-actions.js';

// A payment is given back in one or more refunds, each a refunds row with its own gateway call:
// a staff refund of an amount, of some order lines (what they were sold at: refund-lines.ts), or
// of the whole remaining amount; and the automatic refund of a payment its order could not take.
// Each is claimed first (its row, the payment's refunded_minor and its job, in one transaction
// under the order's lock), then made at the gateway by one attempt after another.

/**
 * The outbox topic (src/jobs/outbox.ts) of a refund recorded as made, by us or at the gateway:
 * `{ paymentId, orderId, refundId, amountMinor, currency, partial }`, written in the recording
 * transaction. `partial`: the payment's refunds are still short of the whole payment.
 */
export const PAYMENT_REFUNDED = 'payment.refunded';
export type PaymentRefunded = { paymentId: string; orderId: string; refundId: string; amountMinor: number; currency: string; partial: boolean };

export type PaymentDeps = { pool: pg.Pool; providers: Providers; logger: Logger };

export type RefundStatus = 'pending' | 'succeeded';
export type RefundRow = {
  id: string;
  paymentId: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  lines: RefundedLine[];
  restock: boolean;
  status: RefundStatus;
  providerRefundId: string | null;
  failureReason: string | null;
  actor: string;
  createdAt: Date;
  succeededAt: Date | null;
};

const REFUND_COLUMNS = `r.id, r.payment_id AS "paymentId", r.order_id AS "orderId", r.amount_minor AS "amountMinor", r.currency, r.lines,
  r.restock, r.status, r.provider_refund_id AS "providerRefundId", r.failure_reason AS "failureReason", r.actor,
  r.created_at AS "createdAt", r.succeeded_at AS "succeededAt"`;

type LockedOrder = { status: OrderStatus; fulfilment: Fulfilment; taxIncluded: boolean };

/** Locks the order row (refunds, gateway events and staff actions of one order take turns on it). */
async function lockOrder(tx: Tx, orderId: string): Promise<LockedOrder | undefined> {
  const { rows } = await tx.query<{ status: OrderStatus; shippedAt: Date | null; deliveredAt: Date | null; taxIncluded: boolean }>(
    `SELECT status, shipped_at AS "shippedAt", delivered_at AS "deliveredAt", tax_included AS "taxIncluded" FROM orders WHERE id = $1 FOR UPDATE`,
    [orderId],
  );
  return rows[0] && { status: rows[0].status, fulfilment: fulfilmentOf(rows[0]), taxIncluded: rows[0].taxIncluded };
}

/** Moves the order of a wholly refunded payment to REFUNDED, inside the caller's transaction. */
export async function closeOrderAfterRefund(tx: Tx, orderId: string, actor: string): Promise<void> {
  const order = await lockOrder(tx, orderId);
  for (const step of (order && refundPath(order.status, order.fulfilment)) || [])
    await transition(tx, orderId, step, { actor, reason: 'payment refunded', stockReason: 'refund_restock' });
}

/** A refund short of the whole payment shows on the order (once: further ones leave it PARTIALLY_REFUNDED). */
async function markPartiallyRefunded(tx: Tx, orderId: string, actor: string): Promise<void> {
  const order = await lockOrder(tx, orderId);
  if (order && canTransition(order.status, PARTIALLY_REFUNDED))
    await transition(tx, orderId, PARTIALLY_REFUNDED, { actor, reason: 'part of the payment refunded', lockedStatus: order.status });
}

/**
 * The outbox topic of a refund claimed, written in the claim's transaction: its job
 * (payments-refund) tries the refund until it is recorded, so no claimed refund is left behind.
 * `orderFollows`: a staff refund moves the order (PARTIALLY_REFUNDED, or REFUNDED once the whole
 * payment is back); an automatic one (a payment the order could not take) leaves it as it is.
 * `refundId` is absent from claims made before refunds had rows: theirs is the payment's pending one.
 */
export const REFUND_CLAIMED = 'payment.refund_claimed';
export type RefundClaim = { refundId?: string; paymentId: string; orderId: string; actor: string; orderFollows: boolean };

type NewRefund = { amountMinor: number; lines?: RefundedLine[]; restock?: boolean; actor: string; orderFollows: boolean; reason?: string };

/**
 * Claims a refund of `amountMinor` of the captured payment, in the caller's transaction: its row,
 * the payment's refunded_minor (conditional on what is left, and the CHECK behind it), the
 * payment REFUND_PENDING once its refunds claim all of it, and the claim's job.
 */
export async function claimRefund(tx: Tx, payment: PaymentRow, refund: NewRefund): Promise<RefundClaim> {
  const { rows } = await tx.query<{ id: string }>(
    `WITH claimed AS (
       UPDATE payments SET refunded_minor = refunded_minor + $2, updated_at = now(),
              status = CASE WHEN refunded_minor + $2 = amount_minor THEN 'REFUND_PENDING' ELSE status END,
              failure_reason = COALESCE($6, failure_reason)
        WHERE id = $1 AND refunded_minor::bigint + $2 <= amount_minor RETURNING id, order_id, currency)
     INSERT INTO refunds (payment_id, order_id, amount_minor, currency, lines, restock, actor)
     SELECT id, order_id, $2, currency, $3, $4, $5 FROM claimed RETURNING id`,
    [payment.id, refund.amountMinor, JSON.stringify(refund.lines ?? []), refund.restock ?? false, refund.actor, refund.reason ?? null],
  );
  if (!rows.length) throw new RefundExceedsRemaining(refund.amountMinor, payment.amountMinor - payment.refundedMinor, payment.currency);
  const claim = { refundId: rows[0].id, paymentId: payment.id, orderId: payment.orderId, actor: refund.actor, orderFollows: refund.orderFollows };
  await recordEvent(tx, REFUND_CLAIMED, claim);
  return claim;
}

/** Another attempt at the same refund holds its lease: this one is tried again later. */
export class RefundInProgress extends Error {
  constructor(paymentId: string) {
    super(`another attempt at a refund of payment ${paymentId} is running`);
  }
}

/**
 * Longer than an attempt's two gateway calls (ask, refund) can take, with a margin for the
 * database: a lease outliving its attempt means the process died, and the next attempt after it
 * asks the gateway what happened.
 */
const leaseSeconds = (providers: Providers) => Math.ceil((2 * providers.callTimeoutMs) / 1000) + 10;

export type RefundOutcome = { payment: PaymentRow; refund: RefundRow };
type LeasedRefund = RefundRow & { attempt: number };

/**
 * One attempt at a claimed refund, under a lease on its row so two attempts never run at once.
 * An attempt after the first asks the gateway whether an earlier one made this refund already
 * (its outcome may never have been recorded) and issues it only when it did not. A failure
 * leaves the refund pending with the reason, for staff and the next attempt.
 */
export async function attemptRefund(deps: PaymentDeps, claim: RefundClaim): Promise<RefundOutcome> {
  const refund = await takeRefundLease(deps.pool, claim, leaseSeconds(deps.providers));
  const payment = await readPayment(deps.pool, claim.paymentId);
  if (!refund) {
    const settled = await readRefund(deps.pool, claim);
    if (settled?.status === 'succeeded') return { payment, refund: settled };
    throw new RefundInProgress(claim.paymentId);
  }
  let refundRef: string;
  try {
    const provider = deps.providers.get(providerId(payment.provider));
    const made = refund.attempt > 1 ? await provider.findRefund(payment, refund) : null;
    // Per attempt, not per refund: Stripe replays a key's first answer (errors too) for 24 hours,
    // so a retry after a failure needs a new key. Refunding twice is prevented by asking first.
    refundRef = made?.refundRef ?? (await provider.refund(payment, refund, `refund-${refund.id}-${refund.attempt}`)).refundRef;
  } catch (err) {
    const reason = `refund failed (attempt ${refund.attempt}): ${err instanceof Error ? err.message : 'unknown error'}`;
    await deps.pool.query(
      `WITH failed AS (UPDATE refunds SET failure_reason = $2, lease_until = NULL, updated_at = now() WHERE id = $1 AND status = 'pending')
       UPDATE payments SET failure_reason = $2, updated_at = now() WHERE id = $3 AND status = 'REFUND_PENDING'`,
      [refund.id, reason, payment.id],
    );
    deps.logger.error(
      { paymentId: payment.id, refundId: refund.id, provider: payment.provider, reason },
      'refund through the provider failed; its job tries again',
    );
    throw err;
  }
  return recordRefund(deps.pool, refund, refundRef, claim);
}

const readPayment = async (db: pg.Pool | Tx, paymentId: string) =>
  (await db.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE id = $1`, [paymentId])).rows[0];

/** The claim's refund row; for a claim made before refunds had rows (one per payment), its payment's pending one, else its first. */
const CLAIMED_REFUND = `r.id = COALESCE($1::uuid, (SELECT id FROM refunds WHERE payment_id = $2 ORDER BY status = 'pending' DESC, created_at LIMIT 1))`;

async function readRefund(pool: pg.Pool, claim: RefundClaim): Promise<RefundRow | undefined> {
  const { rows } = await pool.query<RefundRow>(`SELECT ${REFUND_COLUMNS} FROM refunds r WHERE ${CLAIMED_REFUND}`, [claim.refundId ?? null, claim.paymentId]);
  return rows[0];
}

async function takeRefundLease(pool: pg.Pool, claim: RefundClaim, leaseSeconds: number): Promise<LeasedRefund | undefined> {
  const { rows } = await pool.query<LeasedRefund>(
    `UPDATE refunds r SET attempts = attempts + 1, lease_until = now() + make_interval(secs => $3), updated_at = now()
      WHERE ${CLAIMED_REFUND} AND status = 'pending' AND (lease_until IS NULL OR lease_until < now())
      RETURNING ${REFUND_COLUMNS}, r.attempts AS attempt`,
    [claim.refundId ?? null, claim.paymentId, leaseSeconds],
  );
  return rows[0];
}

/**
 * Records a refund as made: the payment is REFUNDED once its refunds have made all of it, and
 * (for a staff refund) the order follows: PARTIALLY_REFUNDED while short of it, REFUNDED then.
 */
async function recordRefund(pool: pg.Pool, refund: RefundRow, refundRef: string, claim: RefundClaim): Promise<RefundOutcome> {
  return inTransaction(pool, async (tx) => {
    await lockOrder(tx, refund.orderId);
    const made = await tx.query<RefundRow>(
      `UPDATE refunds r SET status = 'succeeded', provider_refund_id = $2, failure_reason = NULL, lease_until = NULL, succeeded_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'pending' RETURNING ${REFUND_COLUMNS}`,
      [refund.id, refundRef],
    );
    if (!made.rowCount) return { payment: await readPayment(tx, refund.paymentId), refund };
    const { rows } = await tx.query<PaymentRow & { whole: boolean }>(
      `WITH made AS (SELECT COALESCE(sum(amount_minor), 0) AS minor FROM refunds WHERE payment_id = $1 AND status = 'succeeded')
       UPDATE payments p SET refund_ref = $2, updated_at = now(),
              status = CASE WHEN made.minor = p.amount_minor THEN 'REFUNDED' ELSE p.status END,
              failure_reason = CASE WHEN made.minor = p.amount_minor THEN NULL ELSE p.failure_reason END
         FROM made WHERE p.id = $1 RETURNING ${PAYMENT_COLUMNS}, made.minor = p.amount_minor AS whole`,
      [refund.paymentId, refundRef],
    );
    const { whole, ...payment } = rows[0];
    await tx.query(
      `INSERT INTO payment_events (provider, provider_event_id, type, payload, payment_id, outcome, processed_at)
       VALUES ($1, $2, 'refund.issued', $3, $4, 'applied', now()) ON CONFLICT (provider, provider_event_id) DO NOTHING`,
      [
        payment.provider,
        `refund:${refundRef}`,
        { refundRef, refundId: refund.id, amountMinor: refund.amountMinor, currency: refund.currency, actor: claim.actor },
        payment.id,
      ],
    );
    await recordRefunded(tx, payment, made.rows[0], !whole);
    if (claim.orderFollows) await (whole ? closeOrderAfterRefund(tx, payment.orderId, claim.actor) : markPartiallyRefunded(tx, payment.orderId, claim.actor));
    return { payment, refund: made.rows[0] };
  });
}

/** PAYMENT_REFUNDED, in the transaction that records the refund. */
export async function recordRefunded(tx: Tx, payment: PaymentRow, refund: Pick<RefundRow, 'id' | 'amountMinor' | 'currency'>, partial: boolean): Promise<void> {
  const event: PaymentRefunded = {
    paymentId: payment.id,
    orderId: payment.orderId,
    refundId: refund.id,
    amountMinor: refund.amountMinor,
    currency: refund.currency,
    partial,
  };
  await recordEvent(tx, PAYMENT_REFUNDED, event);
}

/** What staff refund: an amount, or order lines (and whether their units go back on the shelf); neither: all that is left. */
export type RefundRequest = { amountMinor?: number; lines?: RefundLineRequest[]; restock?: boolean };
export type OrderRefundOutcome = RefundOutcome & { orderId: string; orderStatus: OrderStatus };

/**
 * Staff refund of an order's captured payment, all that is left of it or part. The claim (under
 * the order's lock: the refund row, the payment's refunded_minor, the lines' refunded units,
 * their restock, the audit entry and the job) happens before the provider is called, so refunds
 * at once never claim more than the payment: the one that would is a 409. When the gateway
 * fails, the answer is its error, and the job retries the refund (REFUND_RETRY_DELAY_SECONDS).
 */
export async function refundOrder(
  deps: PaymentDeps,
  orderId: string,
  staffId: string,
  request: RefundRequest = {},
  options: RefundOptions = {},
): Promise<OrderRefundOutcome> {
  const actor = `staff:${staffId}`;
  const claimed = await inTransaction(deps.pool, async (tx) => {
    const { order, payment } = await lockRefundable(tx, orderId, request, options);
    const lines = request.lines ? await priceRefundLines(tx, orderId, request.lines, order.taxIncluded) : undefined;
    const amountMinor = lines ? lines.reduce((sum, l) => sum + l.amountMinor, 0) : (request.amountMinor ?? payment.amountMinor - payment.refundedMinor);
    if (amountMinor === 0) throw new NotRefundable('The lines were sold for nothing (their discount took all of it): there is no money to give back');
    const remainingMinor = payment.amountMinor - payment.refundedMinor;
    if (amountMinor > remainingMinor) throw new RefundExceedsRemaining(amountMinor, remainingMinor, payment.currency);
    const claim = await claimRefund(tx, payment, { amountMinor, lines, restock: request.restock, actor, orderFollows: true });
    if (lines) await recordRefundedLines(tx, orderId, lines, { restock: request.restock ?? false, actor });
    await recordStaffAction(tx, {
      staffId,
      action: 'refund',
      resource: 'Order',
      recordId: orderId,
      difference: {
        refundId: claim.refundId,
        paymentId: payment.id,
        amountMinor,
        currency: payment.currency,
        lines: lines ?? null,
        restock: request.restock ?? false,
      },
    });
    return claim;
  });
  // One try now, for the answer; when it fails, the claim's job goes on trying.
  const outcome = await attemptRefund(deps, claimed).catch(async (err) => {
    if (!(err instanceof RefundInProgress)) throw err;
    return { payment: await readPayment(deps.pool, claimed.paymentId), refund: (await readRefund(deps.pool, claimed))! };
  });
  const { rows } = await deps.pool.query<{ status: OrderStatus }>(`SELECT status FROM orders WHERE id = $1`, [orderId]);
  return { orderId, orderStatus: rows[0].status, ...outcome };
}

/** The order and its captured payment, locked for a refund's claim; or why the order cannot be refunded so. */
async function lockRefundable(tx: Tx, orderId: string, request: RefundRequest, options: RefundOptions): Promise<{ order: LockedOrder; payment: PaymentRow }> {
  const order = await lockOrder(tx, orderId);
  if (!order) throw new NotFound('Order');
  // a cancel's refund, decided on the status staff read: the order may have moved on (shipped)
  if (options.asStep && !canTransition(order.status, options.asStep.to, order.fulfilment)) throw new IllegalTransition(order.status, options.asStep.to);
  if (!refundPath(order.status, order.fulfilment))
    throw new NotRefundable(`The order is ${order.status}; only an order that is ${Object.keys(REFUND_PATH).join(', ')} can be refunded`);
  const partial = request.amountMinor !== undefined || request.lines !== undefined;
  if (partial && !PARTIAL_REFUND_FROM.includes(order.status))
    throw new NotRefundable(
      `The order is ${order.status}: it can only be refunded whole; part of a payment is refunded when the order is ${PARTIAL_REFUND_FROM.join(', ')}`,
    );
  const payment = await lockCapturedPayment(tx, orderId);
  // cash collected at the door goes back by hand, not through a gateway
  if (!payment)
    throw new NotRefundable('The order has no captured online payment to refund: it was refunded already, a refund is under way, or it was paid in cash');
  return { order, payment };
}

/** The order's captured online payment that still has money to give back, locked for the claim. */
async function lockCapturedPayment(tx: Tx, orderId: string): Promise<PaymentRow | undefined> {
  const { rows } = await tx.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE order_id = $1 AND status = $2::"PaymentStatus" AND provider <> 'COD'
      ORDER BY updated_at DESC LIMIT 1 FOR UPDATE`,
    [orderId, CAPTURED],
  );
  return rows[0];
}

/** The staff refund as the order actions call it (REST, staff panel), over the app's providers. */
export function staffRefunder(deps: PaymentDeps): RefundOrder {
  return (orderId, staffId, options, request) => refundOrder(deps, orderId, staffId, request, options);
}
