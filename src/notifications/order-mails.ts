import type { Queryable } from '../shared/db.js';
import { readOrder, type Order } from '../orders/order-views.js';
import type { OrderStatusChanged } from '../orders/state-machine.js';
import { CASH_COLLECTED_AT, CUSTOMER_MAIL_ON, STAFF_MAIL_ON } from '../orders/statuses.js';
import type { PaymentRefunded } from '../payments/refunds.js';
import { readShopProfile, type ShopProfile } from './shop-profile.js';
import { renderMail } from './render.js';
import type { MailKind } from './templates.js';
import type { MailDraft } from './outgoing-mails.js';

export type OrderMailSettings = { storefrontOrderUrl?: string };

/** The customer's address: the one given at checkout, else the account's. */
async function customerEmail(db: Queryable, orderId: string): Promise<string | null> {
  const { rows } = await db.query<{ email: string | null }>(
    `SELECT coalesce(o.contact_email, u.email) AS email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = $1`,
    [orderId],
  );
  return rows[0]?.email ?? null;
}

/**
 * Paying needs the buyer's session (POST /api/orders/:id/payments), so the mail links to the
 * storefront's page of the order (STOREFRONT_ORDER_URL), where the buyer pays.
 */
const orderPageUrl = (settings: OrderMailSettings, orderId: string) =>
  settings.storefrontOrderUrl?.replaceAll('{orderId}', orderId).replaceAll('%7BorderId%7D', orderId) ?? null;

const orderMail = (shop: ShopProfile, order: Order, kind: MailKind, to: string[], dedupeKey: string, extra: Record<string, unknown> = {}): MailDraft => ({
  dedupeKey,
  kind,
  to,
  ...renderMail(kind, { shop, order, ...extra }),
});

/** The mails an order's new status sets off: the customer's and the staff's, each at most once per order. */
export async function mailsForStatusChange(db: Queryable, event: OrderStatusChanged, settings: OrderMailSettings): Promise<MailDraft[]> {
  const drafts: MailDraft[] = [];
  const customerKind = CUSTOMER_MAIL_ON[event.to];
  const staffKind = STAFF_MAIL_ON[event.to];
  if (!customerKind && !staffKind) return drafts;
  const order = await readOrder(db, event.orderId, { audience: 'customer' });
  const shop = await readShopProfile(db);
  if (customerKind) {
    const email = await customerEmail(db, order.id);
    const kind = event.to === CASH_COLLECTED_AT && order.paymentMethod === 'cod' ? 'cod_delivered' : customerKind;
    if (email) {
      drafts.push(
        orderMail(shop, order, kind, [email], `order:${order.id}:${kind}`, {
          payUrl: kind === 'order_placed' && order.status === 'AWAITING_PAYMENT' ? orderPageUrl(settings, order.id) : null,
          cashMinor: order.cashCollectedMinor ?? order.totalMinor,
        }),
      );
    }
  }
  if (staffKind) {
    if (shop.staffRecipients.length) {
      drafts.push(orderMail(shop, order, staffKind, shop.staffRecipients, `order:${order.id}:${staffKind}`, { cod: order.paymentMethod === 'cod' }));
    }
  }
  return drafts;
}

/** The customer's mail of a refund, once per refund: part of the order, or (the payment's last) the rest of it. */
export async function mailForRefund(db: Queryable, event: PaymentRefunded): Promise<MailDraft | null> {
  const email = await customerEmail(db, event.orderId);
  if (!email) return null;
  const order = await readOrder(db, event.orderId, { audience: 'customer' });
  const kind = event.partial ? 'partially_refunded' : 'refunded';
  // the refund that completes a payment's refunds is one per payment
  const key = event.partial ? `refund:${event.refundId}:${kind}` : `payment:${event.paymentId}:refunded`;
  return orderMail(await readShopProfile(db), order, kind, [email], key, {
    refund: { amountMinor: event.amountMinor, currency: event.currency },
  });
}
