import type { ProviderCode } from './providers/provider.js';
import type { PaymentStatus } from '../orders/statuses.js';

export type PaymentRow = {
  id: string;
  orderId: string;
  provider: ProviderCode;
  status: PaymentStatus;
  amountMinor: number;
  currency: string;
  providerRef: string | null;
  redirectUrl: string | null;
  /** the gateway's id of the latest refund made */
  refundRef: string | null;
  /** what the payment's refunds claim, made or under way (at most amountMinor) */
  refundedMinor: number;
  createdAt: Date;
  updatedAt: Date;
};

/** The columns of a PaymentRow, for `SELECT ${PAYMENT_COLUMNS} FROM payments p` and RETURNING. */
export const PAYMENT_COLUMNS = `p.id, p.order_id AS "orderId", p.provider, p.status, p.amount_minor AS "amountMinor", p.currency,
  p.provider_ref AS "providerRef", p.redirect_url AS "redirectUrl", p.refund_ref AS "refundRef", p.refunded_minor AS "refundedMinor", p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
