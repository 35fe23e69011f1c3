import type { Tx } from '../shared/db.js';
import { restoreStock, type StockLine } from '../catalog/stock.js';
import { divideHalfEven } from '../tax/tax-math.js';
import { RefundLineUnknown, RefundQuantityExceeded } from './errors.js';

// What a refund of order lines gives back, in integer minor units. The one rounding rule:
//
//   A line's amounts as sold (its goods lineTotalMinor, the discount code's share discountMinor,
//   and its taxMinor when tax was added on top of the prices) are split over its units
//   CUMULATIVELY: the first n units of a line sold Q times come to round(amount × n / Q), rounded
//   HALF TO EVEN as tax and discounts are, and a refund of units n+1..n+k gets the difference
//   round(amount × (n+k) / Q) - round(amount × n / Q). So refunding a line one unit at a time, or
//   in any batches, gives back exactly what refunding it at once would, and all Q units give back
//   exactly what the line was sold at: goods - discount (+ tax when excluded from the prices).
//
// With tax included in the prices the tax is inside the goods amount already. Shipping and the
// cash-on-delivery fee belong to no line: they are refunded by amount (a refund of an amount, or
// the whole remaining refund), never by lines.

export type SoldLine = {
  id: string;
  variantId: string | null;
  quantity: number;
  /** units earlier refunds gave back */
  refundedQuantity: number;
  lineTotalMinor: number;
  discountMinor: number;
  taxMinor: number;
};

/** One refunded line as the refund records it (refunds.lines). */
export type RefundedLine = { orderItemId: string; quantity: number; amountMinor: number };

/** The part of `amount` that the first `units` of `sold` units come to. */
const firstUnits = (amount: number, units: number, sold: number) => Number(divideHalfEven(BigInt(amount) * BigInt(units), BigInt(sold)));

/** What `quantity` more units of the line give back, after the units refunded before. */
export function lineRefundMinor(line: SoldLine, quantity: number, taxIncluded: boolean): number {
  const from = line.refundedQuantity;
  const to = from + quantity;
  const share = (amount: number) => firstUnits(amount, to, line.quantity) - firstUnits(amount, from, line.quantity);
  return share(line.lineTotalMinor) - share(line.discountMinor) + (taxIncluded ? 0 : share(line.taxMinor));
}

export type RefundLineRequest = { orderItemId: string; quantity: number };

/**
 * The order's lines as asked, each with what its units give back; a line the order does not have,
 * or more units than it has left to refund, refuses the refund. Call under the order's lock.
 */
export async function priceRefundLines(tx: Tx, orderId: string, requested: RefundLineRequest[], taxIncluded: boolean): Promise<RefundedLine[]> {
  const { rows } = await tx.query<SoldLine>(
    `SELECT id, variant_id AS "variantId", quantity, refunded_quantity AS "refundedQuantity", line_total_minor AS "lineTotalMinor",
            discount_minor AS "discountMinor", tax_minor AS "taxMinor"
       FROM order_items WHERE order_id = $1 AND id = ANY($2::uuid[])`,
    [orderId, requested.map((r) => r.orderItemId)],
  );
  return requested.map(({ orderItemId, quantity }) => {
    const line = rows.find((l) => l.id === orderItemId);
    if (!line) throw new RefundLineUnknown(orderItemId);
    const refundable = line.quantity - line.refundedQuantity;
    if (quantity > refundable) throw new RefundQuantityExceeded(orderItemId, quantity, refundable);
    return { orderItemId, quantity, amountMinor: lineRefundMinor(line, quantity, taxIncluded) };
  });
}

/**
 * Counts the refunded units on their lines (the CHECK refuses more than were sold): they are no
 * longer the order's, so a later cancel puts back only the rest. With restock they go back on the
 * shelf through the stock ledger (a shipped unit came back; an unshipped one was still held);
 * without, they are written off (a broken item). In the claim's transaction: a claimed refund is
 * tried until it is made, so the claim is when the units go back.
 */
export async function recordRefundedLines(tx: Tx, orderId: string, lines: RefundedLine[], options: { restock: boolean; actor: string }): Promise<void> {
  const { rows } = await tx.query<StockLine & { variantId: string | null }>(
    `UPDATE order_items i SET refunded_quantity = i.refunded_quantity + r.quantity,
            restocked_quantity = i.restocked_quantity + CASE WHEN $3 AND i.variant_id IS NOT NULL THEN r.quantity ELSE 0 END
       FROM unnest($1::uuid[], $2::int[]) AS r(id, quantity)
      WHERE i.id = r.id AND i.order_id = $4
      RETURNING i.variant_id AS "variantId", r.quantity`,
    [lines.map((l) => l.orderItemId), lines.map((l) => l.quantity), options.restock, orderId],
  );
  if (options.restock)
    await restoreStock(
      tx,
      rows.filter((r): r is StockLine => r.variantId !== null),
      { reason: 'refund_restock', actor: options.actor, orderId },
    );
}
