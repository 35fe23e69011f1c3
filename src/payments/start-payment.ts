import { fullTitle } from '../catalog/variant-title.js';
import { inTransaction } from '../shared/db.js';
import { AppError, NotFound } from '../shared/errors.js';
import { OrderNotPayable } from './errors.js';
import { PAYMENT_COLUMNS, type PaymentRow } from './payment-row.js';
import { providerCode, type GatewayAddress, type GatewayOrder, type ProviderId } from './providers/provider.js';
import type { PaymentDeps } from './refunds.js';

type PayableOrder = GatewayOrder & { status: string; lapsed: boolean };

/**
 * The order as the gateways need it (lines, shipping, tax, address, contact), in one statement:
 * the lines come back as a JSON array from a correlated subquery. Locks the order row.
 */
const PAYABLE_ORDER = `
  SELECT o.id, o.number, o.status, o.currency, o.expires_at AS "expiresAt",
         o.expires_at IS NOT NULL AND o.expires_at <= now() AS lapsed,
         o.item_count AS "itemCount", o.subtotal_minor AS "subtotalMinor", o.discount_minor AS "discountMinor", o.shipping_minor AS "shippingMinor",
         o.cod_fee_minor AS "codFeeMinor", o.tax_minor AS "taxMinor", o.shipping_tax_minor AS "shippingTaxMinor",
         o.tax_included AS "taxIncluded", o.total_minor AS "totalMinor",
         CASE WHEN o.shipping_address IS NOT NULL
              THEN json_build_object('methodName', coalesce(o.shipping_method_name, 'Shipping'), 'address', o.shipping_address) END AS shipping,
         json_build_object('name', coalesce(u.name, o.shipping_address->>'recipientName'), 'email', coalesce(o.contact_email, u.email),
                           'phone', coalesce(o.contact_phone, o.shipping_address->>'phone')) AS customer,
         COALESCE((SELECT json_agg(json_build_object('title', i.title, 'variantTitle', i.variant_title, 'unitPriceMinor', i.unit_price_minor,
                                                     'quantity', i.quantity, 'lineTotalMinor', i.line_total_minor, 'taxMinor', i.tax_minor)
                                   ORDER BY i.title, i.sku)
                     FROM order_items i WHERE i.order_id = o.id), '[]') AS lines
    FROM orders o JOIN users u ON u.id = o.user_id
   WHERE o.id = $1 AND o.user_id = $2
     FOR UPDATE OF o`;

/** An address as stored: keys a client left out are null. */
function withNulls(address: GatewayAddress): GatewayAddress {
  return { ...address, line2: address.line2 ?? null, region: address.region ?? null, postalCode: address.postalCode ?? null };
}

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
    const { rows } = await tx.query<Omit<PayableOrder, 'description'>>(PAYABLE_ORDER, [input.orderId, input.userId]);
    if (!rows[0]) throw new NotFound('Order');
    const { shipping, ...read } = rows[0];
    const order: PayableOrder = {
      ...read,
      shipping: shipping && { methodName: shipping.methodName, address: withNulls(shipping.address) },
      description: read.lines.map((line) => `${fullTitle(line.title, line.variantTitle)} x${line.quantity}`).join(', '),
    };
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
