import type { Tx } from '../shared/db.js';
import { Conflict, NotFound } from '../shared/errors.js';
import { restoreStock, takeStock, type StockReason } from '../catalog/stock.js';
import { releaseUse } from '../promotions/discount-codes.js';
import {
  BACK_FROM_THE_DOOR,
  canTransition,
  givesDiscountUseBack,
  CASH_COLLECTED_AT,
  CASH_ON_DELIVERY_ONLY,
  fulfilmentOf,
  holdsStock,
  RELEASED_STOCK,
  stockReason,
  type Fulfilment,
  type OrderStatus,
} from './statuses.js';

// The one place that changes an order's status. What the statuses mean (the transitions
// table, which of them hold stock, the refund path) is in statuses.ts.

/**
 * The outbox topic (src/jobs/outbox.ts) of every status change, checkout's first status
 * included: `{ orderId, from, to }` (`from` null for a new order). What each status sets off is
 * in statuses.ts.
 */
export const ORDER_STATUS_CHANGED = 'order.status_changed';
export type OrderStatusChanged = { orderId: string; from: OrderStatus | null; to: OrderStatus };

export class IllegalTransition extends Conflict {
  constructor(
    readonly currentStatus: OrderStatus,
    requestedStatus: OrderStatus,
    because?: string,
  ) {
    super('ILLEGAL_TRANSITION', `The order is ${currentStatus} and cannot become ${requestedStatus}${because ? `: ${because}` : ''}`, {
      currentStatus,
      requestedStatus,
    });
  }
}

export type TransitionOptions = {
  /** who: `customer:<userId>`, `staff:<userId>`, `system:expiry`, `provider:stripe` ... */
  actor: string;
  reason?: string;
  /** scope to the owner: another user's order is "not found" */
  userId?: string;
  /** only from these states (e.g. a customer may cancel only while unpaid) */
  onlyFrom?: readonly OrderStatus[];
  /** shipping details, with SHIPPED */
  shipping?: { carrier: string; trackingNumber: string };
  /** with DELIVERED, for a cash-on-delivery order: what the courier collected (minor units) */
  cashCollectedMinor?: number;
  /**
   * The status the caller read when it locked the order row (SELECT ... FOR UPDATE) earlier in
   * this transaction: the row is not locked and read again (a round trip on every payment).
   */
  lockedStatus?: OrderStatus;
  /** the stock ledger's reason when this change puts stock back, if not the status's own (a refund's cancel: refund_restock) */
  stockReason?: StockReason;
};

export type TransitionResult = { orderId: string; from: OrderStatus; to: OrderStatus };

/**
 * Moves an order to `to` inside the caller's transaction: locks the order row, checks the
 * table, updates conditionally on the status it read, records the change, and moves stock
 * (restored when an order lets go of it, taken again when a late payment revives it; that
 * throws InsufficientStock when it is gone). Two racing transitions serialize on the row
 * lock, and the loser gets IllegalTransition naming the status the winner left.
 */
export async function transition(tx: Tx, orderId: string, to: OrderStatus, options: TransitionOptions): Promise<TransitionResult> {
  const from = options.lockedStatus ?? (await lockOrder(tx, orderId, options.userId));
  // a partially refunded order moves on from where its goods are
  const fulfilment = from === 'PARTIALLY_REFUNDED' ? await fulfilmentOfOrder(tx, orderId) : undefined;
  if (!canTransition(from, to, fulfilment) || (options.onlyFrom && !options.onlyFrom.includes(from))) throw new IllegalTransition(from, to);
  const cod = CASH_ON_DELIVERY_ONLY.has(to) || to === CASH_COLLECTED_AT ? await cashOnDelivery(tx, orderId) : undefined;
  if (cod?.isCod === false && CASH_ON_DELIVERY_ONLY.has(to)) throw new IllegalTransition(from, to, 'only a cash-on-delivery order can');
  if (cod?.isCod && to === CASH_COLLECTED_AT && options.cashCollectedMinor === undefined)
    throw new IllegalTransition(from, to, 'record the cash the courier collected (cashCollectedMinor)');

  const updated = await tx.query(
    `UPDATE orders SET status = $3::"OrderStatus", updated_at = now(),
        paid_at      = CASE WHEN $3 = 'PAID' THEN now() ELSE paid_at END,
        shipped_at   = CASE WHEN $3 = 'SHIPPED' THEN now() ELSE shipped_at END,
        delivered_at = CASE WHEN $3 = 'DELIVERED' THEN now() ELSE delivered_at END,
        cancelled_at = CASE WHEN $3 IN ('CANCELLED', 'EXPIRED') THEN now() ELSE cancelled_at END,
        carrier         = COALESCE($4, carrier),
        tracking_number = COALESCE($5, tracking_number)
      WHERE id = $1 AND status = $2::"OrderStatus"`,
    [orderId, from, to, options.shipping?.carrier ?? null, options.shipping?.trackingNumber ?? null],
  );
  if (updated.rowCount !== 1) throw new IllegalTransition(from, to); // unreachable while the row lock is held

  // The history row and the outbox event (what the new status sets off: mails, outbound
  // webhooks) in one statement.
  await tx.query(
    `WITH change AS (INSERT INTO order_status_changes (order_id, from_status, to_status, actor, reason) VALUES ($1, $2, $3, $4, $5))
     INSERT INTO outbox (topic, payload) VALUES ($6, jsonb_build_object('orderId', $1::uuid, 'from', $2::text, 'to', $3::text))`,
    [orderId, from, to, options.actor, options.reason ?? null, ORDER_STATUS_CHANGED],
  );

  const releases = (holdsStock(from, fulfilment) && RELEASED_STOCK.has(to)) || to === BACK_FROM_THE_DOOR;
  const reclaims = RELEASED_STOCK.has(from) && holdsStock(to);
  if (releases || reclaims) {
    // units refunded by line are not the order's any more: back on the shelf already, or written off
    const items = await tx.query<{ variantId: string; quantity: number }>(
      `SELECT variant_id AS "variantId", quantity - refunded_quantity AS quantity FROM order_items
        WHERE order_id = $1 AND variant_id IS NOT NULL AND quantity > refunded_quantity`,
      [orderId],
    );
    const movement = { reason: options.stockReason ?? stockReason(to, reclaims), actor: options.actor, orderId };
    if (releases) await restoreStock(tx, items.rows, movement);
    else await takeStock(tx, items.rows, movement);
  }
  if (givesDiscountUseBack(from, to)) await releaseUse(tx, orderId);
  if (cod?.isCod && to === CASH_COLLECTED_AT) await recordCashCollected(tx, orderId, options.cashCollectedMinor!);
  return { orderId, from, to };
}

async function fulfilmentOfOrder(tx: Tx, orderId: string): Promise<Fulfilment> {
  const { rows } = await tx.query<{ shippedAt: Date | null; deliveredAt: Date | null }>(
    `SELECT shipped_at AS "shippedAt", delivered_at AS "deliveredAt" FROM orders WHERE id = $1`,
    [orderId],
  );
  return fulfilmentOf(rows[0]);
}

async function cashOnDelivery(tx: Tx, orderId: string): Promise<{ isCod: boolean }> {
  const { rows } = await tx.query<{ isCod: boolean }>(`SELECT payment_method = 'cod' IS TRUE AS "isCod" FROM orders WHERE id = $1`, [orderId]);
  return rows[0];
}

/** A delivered cash-on-delivery order is paid: the cash collected, as a captured COD payment (once per order). */
async function recordCashCollected(tx: Tx, orderId: string, cashMinor: number): Promise<void> {
  await tx.query(`UPDATE orders SET cash_collected_minor = $2, paid_at = now() WHERE id = $1`, [orderId, cashMinor]);
  await tx.query(
    `INSERT INTO payments (order_id, provider, status, amount_minor, currency, provider_ref)
     SELECT id, 'COD', 'SUCCEEDED', $2, currency, 'cod-' || id FROM orders WHERE id = $1
     ON CONFLICT (provider, provider_ref) DO NOTHING`,
    [orderId, cashMinor],
  );
}

async function lockOrder(tx: Tx, orderId: string, userId?: string): Promise<OrderStatus> {
  const { rows } = await tx.query<{ status: OrderStatus }>(
    `SELECT status FROM orders WHERE id = $1 ${userId ? 'AND user_id = $2' : ''} FOR UPDATE`,
    userId ? [orderId, userId] : [orderId],
  );
  if (!rows.length) throw new NotFound('Order');
  return rows[0].status;
}
