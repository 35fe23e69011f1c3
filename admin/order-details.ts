import type { Queryable } from '../src/shared/db.js';

export type OrderDetails = {
  items: { id: string; productId: string | null; sku: string; title: string; unitPriceMinor: number; quantity: number; lineTotalMinor: number }[];
  payments: { id: string; provider: string; status: string; amountMinor: number; currency: string; providerRef: string | null; failureReason: string | null; createdAt: string }[];
  history: { fromStatus: string | null; toStatus: string; actor: string; reason: string | null; createdAt: string }[];
};

/** An order's lines, payments and status history, in one round trip. */
export async function orderDetails(db: Queryable, orderId: string): Promise<OrderDetails> {
  const { rows } = await db.query<OrderDetails>(
    `SELECT
       (SELECT COALESCE(json_agg(i ORDER BY i.title, i.id), '[]') FROM (
          SELECT id, product_id AS "productId", sku, title, unit_price_minor AS "unitPriceMinor", quantity, line_total_minor AS "lineTotalMinor"
            FROM order_items WHERE order_id = $1) i) AS items,
       (SELECT COALESCE(json_agg(p ORDER BY p."createdAt"), '[]') FROM (
          SELECT id, provider, status, amount_minor AS "amountMinor", currency, provider_ref AS "providerRef",
                 failure_reason AS "failureReason", created_at AS "createdAt"
            FROM payments WHERE order_id = $1) p) AS payments,
       (SELECT COALESCE(json_agg(h ORDER BY h."createdAt"), '[]') FROM (
          SELECT c.from_status AS "fromStatus", c.to_status AS "toStatus", COALESCE(u.email, c.actor) AS actor, c.reason, c.created_at AS "createdAt"
            FROM order_status_changes c
            -- staff are recorded as staff:<user id>: show who, by their email
            LEFT JOIN users u ON u.id = CASE WHEN c.actor ~ '^staff:[0-9a-f-]{36}$' THEN substr(c.actor, 7)::uuid END
           WHERE c.order_id = $1) h) AS history`,
    [orderId],
  );
  return rows[0];
}
