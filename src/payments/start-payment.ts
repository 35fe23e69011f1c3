import { inTransaction } from '../shared/db.js';
import { AppError, NotFound } from '../shared/errors.js';
import { OrderNotPayable } from './errors.js';
import { PAYMENT_COLUMNS, type PaymentRow } from './payment-row.js';
import { providerCode, type GatewayOrder, type ProviderId } from './providers/provider.js';
import type { PaymentDeps } from './refunds.js';

type PayableOrder = GatewayOrder & { status: string; lapsed: boolean; currency: string; totalMinor: number };

/**
 * Opens a payment attempt for the buyer's order and asks the gateway for a session. The
 * amount and currency come from the order. Starting again closes the open attempt in the same
 * transaction (one PENDING attempt per order, also enforced by a unique index). The gateway
 * is called outside any transaction; when it fails the attempt is closed as FAILED, so the
 * order stays payable.
 */
export async function startPayment(deps: PaymentDeps, input: { orderId: string; userId: string; provider: ProviderId }): Promise<PaymentRow> {
  const gateway = deps.providers.get(input.provider);
  const { payment, order } = await inTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<PayableOrder>(
      `SELECT o.id, o.number, o.status, o.currency, o.total_minor AS "totalMinor", o.item_count AS "itemCount", o.expires_at AS "expiresAt",
              o.expires_at IS NOT NULL AND o.expires_at <= now() AS lapsed,
              json_build_object('name', u.name, 'email', u.email) AS customer,
              (SELECT coalesce(string_agg(i.title || ' x' || i.quantity, ', ' ORDER BY i.title), '') FROM order_items i WHERE i.order_id = o.id) AS description
         FROM orders o JOIN users u ON u.id = o.user_id
        WHERE o.id = $1 AND o.user_id = $2
        FOR UPDATE OF o`,
      [input.orderId, input.userId],
    );
    const order = rows[0];
    if (!order) throw new NotFound('Order');
    if (order.status !== 'AWAITING_PAYMENT' || order.lapsed) throw new OrderNotPayable(order.lapsed ? 'EXPIRED' : order.status);
    await tx.query(
      `UPDATE payments SET status = 'CANCELLED', failure_reason = 'replaced by a new attempt', updated_at = now() WHERE order_id = $1 AND status = 'PENDING'`,
      [order.id],
    );
    const inserted = await tx.query<PaymentRow>(
      `INSERT INTO payments AS p (order_id, provider, amount_minor, currency) VALUES ($1, $2, $3, $4) RETURNING ${PAYMENT_COLUMNS}`,
      [order.id, providerCode(input.provider), order.totalMinor, order.currency],
    );
    return { payment: inserted.rows[0], order };
  });

  let session;
  try {
    session = await gateway.createSession(payment, order);
  } catch (err) {
    const reason = err instanceof AppError ? err.detail : 'the gateway call failed unexpectedly';
    await deps.pool.query(`UPDATE payments SET status = 'FAILED', failure_reason = $2, updated_at = now() WHERE id = $1 AND status = 'PENDING'`, [
      payment.id,
      reason,
    ]);
    throw err;
  }
  const { rows } = await deps.pool.query<PaymentRow>(
    `UPDATE payments p SET provider_ref = COALESCE(provider_ref, $2), redirect_url = $3, updated_at = now() WHERE id = $1 RETURNING ${PAYMENT_COLUMNS}`,
    [payment.id, session.providerRef, session.redirectUrl],
  );
  return rows[0];
}
