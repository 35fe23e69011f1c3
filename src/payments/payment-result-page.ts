import type { Queryable } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { escapeHtml, htmlPage, scriptFreePolicy } from '../shared/html.js';
import { toDecimal } from './money.js';
import type { PaymentStatus } from '../orders/statuses.js';

export type PaymentResult = { orderNumber: number; orderStatus: string; paymentStatus: PaymentStatus; amountMinor: number; currency: string };

/** What the buyer may see of a payment whose id they hold: no ids, names or gateway references. */
export async function readPaymentResult(db: Queryable, paymentId: string): Promise<PaymentResult> {
  const { rows } = await db.query<PaymentResult>(
    `SELECT o.number AS "orderNumber", o.status AS "orderStatus", p.status AS "paymentStatus", p.amount_minor AS "amountMinor", p.currency
       FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.id = $1`,
    [paymentId],
  );
  if (!rows.length) throw new NotFound('Payment');
  return rows[0];
}

const HEADLINES: Record<PaymentStatus, string> = {
  PENDING: 'Waiting for the payment to be confirmed',
  SUCCEEDED: 'Payment received',
  FAILED: 'The payment failed',
  CANCELLED: 'The payment was cancelled',
  EXPIRED: 'The payment expired',
  REFUND_PENDING: 'A refund is on its way',
  REFUNDED: 'The payment was refunded',
};

export const PAYMENT_RESULT_POLICY = scriptFreePolicy("'none'");

/**
 * The page a buyer lands on after the gateway when the shop has no storefront of its own yet
 * (the STOREFRONT_*_URL defaults). A PENDING payment reloads every few seconds: the gateway's
 * webhook may arrive after the browser does.
 */
export function paymentResultPage(result: PaymentResult): string {
  const amount = `${toDecimal(result.amountMinor, result.currency)} ${result.currency}`;
  const headline = HEADLINES[result.paymentStatus];
  return htmlPage({
    title: headline,
    style: 'dt{font-weight:600}dd{margin:0 0 .75rem}',
    head: result.paymentStatus === 'PENDING' ? '<meta http-equiv="refresh" content="3">\n' : '',
    body: `<h1>${escapeHtml(headline)}</h1>
<dl>
<dt>Order</dt><dd id="order-number">#${result.orderNumber}</dd>
<dt>Amount</dt><dd id="amount">${escapeHtml(amount)}</dd>
<dt>Payment status</dt><dd id="payment-status">${escapeHtml(result.paymentStatus)}</dd>
<dt>Order status</dt><dd id="order-status">${escapeHtml(result.orderStatus)}</dd>
</dl>`,
  });
}
