import { inTransaction, type Tx } from '../shared/db.js';
import { InsufficientStock } from '../catalog/stock.js';
import { transition } from '../orders/state-machine.js';
import { CAPTURABLE, type OrderStatus, type PaymentStatus } from '../orders/statuses.js';
import { PaymentMismatch } from './errors.js';
import { PAYMENT_COLUMNS, UUID, type PaymentRow } from './payment-row.js';
import { providerId, type GatewayEvent } from './providers/provider.js';
import { attemptRefund, claimRefund, closeOrderAfterRefund, recordRefunded, type PaymentDeps, type RefundClaim } from './refunds.js';

// The one way a gateway message changes anything. Each message is one row in the
// payment_events inbox, written in the same transaction as the changes it causes, so a
// redelivery (same provider event id) finds the row and changes nothing: also when two
// instances receive it at the same moment, because the second insert waits for the first
// transaction and then does nothing. Every change is conditional on the current status, so
// a message that arrives out of order is recorded as ignored.

export type EventOutcome = 'applied' | 'ignored' | 'refund_required' | 'duplicate';
type Decision = { outcome: Exclude<EventOutcome, 'duplicate'>; payment?: PaymentRow; refund?: RefundClaim };
type OrderState = { id: string; status: OrderStatus; wasPaid: boolean };

const IGNORED: Decision = { outcome: 'ignored' };
const APPLIED: Decision = { outcome: 'applied' };
const CLOSED_BY: Record<'failed' | 'cancelled' | 'expired', PaymentStatus> = { failed: 'FAILED', cancelled: 'CANCELLED', expired: 'EXPIRED' };

export async function processGatewayEvent(deps: PaymentDeps, event: GatewayEvent): Promise<{ outcome: EventOutcome; paymentId: string | null }> {
  const result = await inTransaction(deps.pool, async (tx) => {
    const inbox = await tx.query<{ id: string }>(
      `INSERT INTO payment_events (provider, provider_event_id, type, payload) VALUES ($1, $2, $3, $4)
       ON CONFLICT (provider, provider_event_id) DO NOTHING RETURNING id`,
      [event.provider, event.eventId, event.type, event.payload],
    );
    if (!inbox.rowCount) return { outcome: 'duplicate' as const, payment: undefined, refund: undefined };
    const found = await lockOrderOfPayment(tx, event);
    const decision = found ? await decide(tx, found.payment, found.order, event) : IGNORED;
    await tx.query(`UPDATE payment_events SET payment_id = $2, outcome = $3, processed_at = now() WHERE id = $1`, [
      inbox.rows[0].id,
      found?.payment.id ?? null,
      decision.outcome,
    ]);
    return { outcome: decision.outcome, payment: decision.payment ?? found?.payment, refund: decision.refund };
  });

  if (result.refund && result.payment) {
    // After commit: the claim and its job are on record, so a failure here is retried by the job.
    await attemptRefund(deps, result.refund).catch((err) =>
      deps.logger.warn(
        { paymentId: result.payment!.id, reason: err instanceof Error ? err.message : 'unknown' },
        'automatic refund not done yet; its job retries it',
      ),
    );
  }
  return { outcome: result.outcome, paymentId: result.payment?.id ?? null };
}

/**
 * Locks the order first (starts, gateway events and refunds of one order take turns on it), then
 * reads the payment. The state machine's transition then uses this lock and status.
 */
async function lockOrderOfPayment(tx: Tx, event: GatewayEvent): Promise<{ payment: PaymentRow; order: OrderState } | null> {
  const byId = 'id' in event.payment;
  const ref = 'id' in event.payment ? event.payment.id : event.payment.providerRef;
  if (byId && !UUID.test(ref)) return null; // not one of ours (another shop on the same gateway account)
  const match = `p.provider = $2 AND ${byId ? 'p.id = $1::uuid' : 'p.provider_ref = $1'}`;
  const order = await tx.query<OrderState>(
    `SELECT id, status, paid_at IS NOT NULL AS "wasPaid" FROM orders WHERE id = (SELECT p.order_id FROM payments p WHERE ${match}) FOR UPDATE`,
    [ref, event.provider],
  );
  if (!order.rowCount) return null;
  const payment = await tx.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments p WHERE ${match}`, [ref, event.provider]);
  return { payment: payment.rows[0], order: order.rows[0] };
}

function decide(tx: Tx, payment: PaymentRow, order: OrderState, event: GatewayEvent): Promise<Decision> {
  switch (event.kind) {
    case 'paid':
      return settlePaid(tx, payment, order, event);
    case 'refunded':
      return settleRefundMadeAtGateway(tx, payment, event);
    default:
      return closeUnpaidAttempt(tx, payment, event.kind, event.type);
  }
}

async function closeUnpaidAttempt(tx: Tx, payment: PaymentRow, kind: keyof typeof CLOSED_BY, reason: string): Promise<Decision> {
  if (payment.status !== 'PENDING') return IGNORED; // e.g. a failure after a success
  await tx.query(`UPDATE payments SET status = $2::"PaymentStatus", failure_reason = $3, updated_at = now() WHERE id = $1 AND status = 'PENDING'`, [
    payment.id,
    CLOSED_BY[kind],
    reason,
  ]);
  return APPLIED;
}

async function settlePaid(tx: Tx, payment: PaymentRow, order: OrderState, event: GatewayEvent): Promise<Decision> {
  const charged = event.charged;
  if (charged && (charged.amountMinor !== payment.amountMinor || charged.currency !== payment.currency)) {
    throw new PaymentMismatch(`The gateway reports ${charged.amountMinor} ${charged.currency}; the payment is for ${payment.amountMinor} ${payment.currency}`);
  }
  if (!CAPTURABLE.has(payment.status)) return IGNORED; // already captured, refunding or refunded
  // One statement: capture this attempt, close the order's other open attempts (they can no
  // longer pay it), and see whether another attempt captured money for the order already.
  const { rows } = await tx.query<PaymentRow & { otherCaptured: boolean }>(
    `WITH closed AS (
       UPDATE payments SET status = 'CANCELLED', failure_reason = 'another attempt was paid', updated_at = now()
        WHERE order_id = $3 AND status = 'PENDING' AND id <> $1)
     UPDATE payments p SET status = 'SUCCEEDED', provider_ref = COALESCE($2, provider_ref), failure_reason = NULL, updated_at = now()
      WHERE id = $1
      RETURNING ${PAYMENT_COLUMNS}, EXISTS (SELECT 1 FROM payments q WHERE q.order_id = $3 AND q.id <> $1 AND q.status = 'SUCCEEDED') AS "otherCaptured"`,
    [payment.id, event.captureRef ?? null, order.id],
  );
  const { otherCaptured, ...captured } = rows[0];
  const refusal = otherCaptured || order.wasPaid ? 'the order was already paid by another payment' : await placeOnOrder(tx, order, event, captured.provider);
  if (!refusal) return APPLIED;
  // The buyer paid for an order that cannot take the money: give it all back, the order stays as it is.
  const refund = await claimRefund(tx, captured, {
    amountMinor: captured.amountMinor - captured.refundedMinor,
    actor: 'system:payments',
    orderFollows: false,
    reason: refusal,
  });
  return { outcome: 'refund_required', payment: { ...captured, status: 'REFUND_PENDING' }, refund };
}

/** Gives the captured payment to its order; returns why it cannot, or null when it did. */
async function placeOnOrder(tx: Tx, order: OrderState, event: GatewayEvent, provider: PaymentRow['provider']): Promise<string | null> {
  const actor = `provider:${providerId(provider)}`;
  if (order.status === 'AWAITING_PAYMENT') {
    await transition(tx, order.id, event.risky ? 'ON_HOLD' : 'PAID', {
      actor,
      reason: event.risky ? 'the gateway flagged the payment as risky' : undefined,
      lockedStatus: order.status,
    });
    return null;
  }
  if ((order.status === 'EXPIRED' || order.status === 'CANCELLED') && !event.risky) {
    return (await reviveOrder(tx, order, actor)) ? null : `paid after the order was ${order.status.toLowerCase()}, and its stock is gone`;
  }
  return `the order is ${order.status}${event.risky ? ' and the gateway flagged the payment as risky' : ''}`;
}

/** A late payment: the order is paid again if its stock can be taken again (the transition does that). */
async function reviveOrder(tx: Tx, order: OrderState, actor: string): Promise<boolean> {
  await tx.query('SAVEPOINT revive_order');
  try {
    await transition(tx, order.id, 'PAID', { actor, reason: 'paid after the order lapsed; stock taken again', lockedStatus: order.status });
    await tx.query('RELEASE SAVEPOINT revive_order');
    return true;
  } catch (err) {
    if (!(err instanceof InsufficientStock)) throw err;
    await tx.query('ROLLBACK TO SAVEPOINT revive_order');
    return false;
  }
}

/**
 * A refund made at the gateway itself (e.g. Stripe's dashboard). Our own refunds are
 * completed by the code that issued them, so for them this confirmation changes nothing.
 */
async function settleRefundMadeAtGateway(tx: Tx, payment: PaymentRow, event: GatewayEvent): Promise<Decision> {
  if (payment.status !== 'SUCCEEDED') return IGNORED;
  // what our own refunds had not given back yet, recorded as a refund made at the gateway
  const { rows } = await tx.query<{ id: string; amountMinor: number; currency: string }>(
    `WITH rest AS (
       UPDATE payments p SET status = 'REFUNDED', refund_ref = $2, refunded_minor = amount_minor, updated_at = now()
        WHERE id = $1 AND status = 'SUCCEEDED' RETURNING id, order_id, currency, amount_minor - $3::int AS minor)
     INSERT INTO refunds (payment_id, order_id, amount_minor, currency, status, provider_refund_id, actor, succeeded_at)
     SELECT id, order_id, minor, currency, 'succeeded', $2, $4, now() FROM rest WHERE minor > 0
     RETURNING id, amount_minor AS "amountMinor", currency`,
    [payment.id, event.eventId, payment.refundedMinor, `provider:${providerId(payment.provider)}`],
  );
  if (rows[0]) await recordRefunded(tx, payment, rows[0], false);
  await closeOrderAfterRefund(tx, payment.orderId, `provider:${providerId(payment.provider)}`);
  return APPLIED;
}
