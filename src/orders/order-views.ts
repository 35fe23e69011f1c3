import type { Queryable } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { fullTitle } from '../catalog/variant-title.js';
import type { AddressFields as PostalAddress } from '../addresses/schemas.js';
import { page, type Cursor } from './cursor.js';
import type { OrderStatus, PaymentStatus } from './statuses.js';

// How orders read from the outside: the customer's and staff's views, each one query. The staff
// REST routes and the staff panel's order page (admin/resources/orders.ts) read the same readOrder.

/** Customers see who acted on their order by kind; staff see which user it was. */
export type Audience = 'customer' | 'staff';

export type OrderItem = {
  /** the line's id: what a refund of lines names */
  id: string;
  productId: string | null;
  variantId: string | null;
  sku: string;
  /** as sold: "T-shirt — M / Red", or the product's title without options */
  title: string;
  productTitle: string;
  variantTitle: string | null;
  optionValues: Record<string, string>;
  unitPriceMinor: number;
  quantity: number;
  lineTotalMinor: number;
  /** what the discount code took off this line; tax is on lineTotalMinor - discountMinor */
  discountMinor: number;
  /** inside lineTotalMinor when the order's tax is included, on top of it otherwise */
  taxMinor: number;
  /** units its refunds gave back */
  refundedQuantity: number;
};
export type OrderStatusChange = {
  from: OrderStatus | null;
  to: OrderStatus;
  actor: string;
  reason: string | null;
  at: string;
  /** staff view only: the email of the staff member who made the change */
  actorEmail?: string | null;
};
export type OrderPaymentSummary = {
  id: string;
  /** in the API's spelling (lowercase, as payments' ProviderId), not the database enum's */
  provider: string;
  status: PaymentStatus;
  amountMinor: number;
  currency: string;
  createdAt: string;
  /** staff view only: the gateway's reference, and why the attempt failed or awaits a refund */
  providerRef?: string | null;
  failureReason?: string | null;
};

/** One refund of the order's payment: an amount, or lines ({ orderItemId, quantity, amountMinor }). */
export type OrderRefund = {
  id: string;
  paymentId: string;
  /** pending: claimed, being made at the gateway (tried until it is); succeeded: made */
  status: 'pending' | 'succeeded';
  amountMinor: number;
  currency: string;
  lines: { orderItemId: string; quantity: number; amountMinor: number }[];
  restock: boolean;
  createdAt: string;
  succeededAt: string | null;
  /** staff view only: who refunded (and the staff member's email), the gateway's refund id, why the last attempt failed */
  actor?: string;
  actorEmail?: string | null;
  providerRefundId?: string | null;
  failureReason?: string | null;
};

export type Order = {
  id: string;
  number: number;
  status: OrderStatus;
  currency: string;
  subtotalMinor: number;
  /** what the discount code took off the goods: total = subtotal - discount + shipping + COD fee (+ tax when excluded) */
  discountMinor: number;
  /** the code as used (its text and kind when the order was placed); null without one */
  discount: { code: string; type: 'percentage' | 'fixed_amount' | 'free_shipping' } | null;
  shippingMinor: number;
  /** cash on delivery: the method's fee for it (in totalMinor) */
  codFeeMinor: number;
  taxMinor: number;
  /** catalog prices included the tax: taxMinor is inside subtotal and shipping, not added to them */
  taxIncluded: boolean;
  totalMinor: number;
  itemCount: number;
  /** 'cod': cash on delivery (paid at the door, cashCollectedMinor once delivered); null: paid online */
  paymentMethod: 'cod' | null;
  cashCollectedMinor: number | null;
  shippingAddress: PostalAddress | null;
  contact: { email: string | null; phone: string | null };
  /** as chosen at checkout (null on orders placed before delivery existed) */
  shippingMethod: { id: string | null; name: string; priceMinor: number } | null;
  items: OrderItem[];
  history: OrderStatusChange[];
  payments: OrderPaymentSummary[];
  /** what the order's refunds give back, made or under way (the sum of refunds[].amountMinor) */
  refundedMinor: number;
  refunds: OrderRefund[];
  /** trackingUrl: the carrier's tracking page for this parcel, when staff set a template for the carrier */
  shipping: { carrier: string | null; trackingNumber: string | null; trackingUrl: string | null; shippedAt: string | null; deliveredAt: string | null };
  expiresAt: string | null;
  paidAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type OrderSummary = Pick<Order, 'id' | 'number' | 'status' | 'currency' | 'totalMinor' | 'itemCount' | 'expiresAt' | 'createdAt'>;
export type StaffOrderSummary = OrderSummary & { customer: { id: string; email: string | null } };
export type OrderPage<T> = { items: T[]; nextCursor: string | null };

/**
 * What an order's refunds give back, claimed ones included (a claim is retried until it is
 * made), as SQL over the order aliased `o`: revenue and a customer's spend keep the rest.
 */
export const REFUNDED_SO_FAR_SQL = `COALESCE((SELECT SUM(r.amount_minor) FROM refunds r WHERE r.order_id = o.id), 0)`;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

type Timestamps<K extends string> = Record<K, Date | null>;
type OrderRow = Omit<
  Order,
  | 'items'
  | 'history'
  | 'payments'
  | 'refunds'
  | 'shipping'
  | 'contact'
  | 'shippingMethod'
  | 'discount'
  | 'expiresAt'
  | 'paidAt'
  | 'cancelledAt'
  | 'createdAt'
  | 'updatedAt'
> &
  Timestamps<'expiresAt' | 'paidAt' | 'cancelledAt' | 'createdAt' | 'updatedAt' | 'shippedAt' | 'deliveredAt'> & {
    carrier: string | null;
    trackingNumber: string | null;
    trackingUrlTemplate: string | null;
    contactEmail: string | null;
    contactPhone: string | null;
    shippingMethodId: string | null;
    shippingMethodName: string | null;
    discountCode: string | null;
    discountType: NonNullable<Order['discount']>['type'] | null;
    items: Omit<OrderItem, 'title'>[];
    history: OrderStatusChange[];
    payments: OrderPaymentSummary[];
    refunds: OrderRefund[];
  };

// Items, history and payments come back as JSON arrays from correlated subqueries: one round trip.
const ORDER_DETAIL = `
  SELECT o.id, o.number, o.status, o.currency, o.subtotal_minor AS "subtotalMinor", o.shipping_minor AS "shippingMinor",
         o.discount_minor AS "discountMinor", o.discount_code AS "discountCode", o.discount_type AS "discountType",
         o.tax_minor AS "taxMinor", o.tax_included AS "taxIncluded", o.cod_fee_minor AS "codFeeMinor",
         o.payment_method AS "paymentMethod", o.cash_collected_minor AS "cashCollectedMinor", o.total_minor AS "totalMinor", o.item_count AS "itemCount",
         o.shipping_address AS "shippingAddress", o.contact_email AS "contactEmail", o.contact_phone AS "contactPhone",
         o.shipping_method_id AS "shippingMethodId", o.shipping_method_name AS "shippingMethodName",
         (SELECT c.tracking_url_template FROM carriers c WHERE lower(c.name) = lower(o.carrier)) AS "trackingUrlTemplate", o.carrier, o.tracking_number AS "trackingNumber", o.shipped_at AS "shippedAt",
         o.delivered_at AS "deliveredAt", o.expires_at AS "expiresAt", o.paid_at AS "paidAt", o.cancelled_at AS "cancelledAt",
         o.created_at AS "createdAt", o.updated_at AS "updatedAt",
         COALESCE((SELECT json_agg(json_build_object('id', i.id, 'productId', i.product_id, 'variantId', i.variant_id, 'sku', i.sku,
                     'productTitle', i.title, 'variantTitle', i.variant_title,
                     'optionValues', i.option_values, 'unitPriceMinor', i.unit_price_minor, 'quantity', i.quantity, 'lineTotalMinor', i.line_total_minor,
                     'discountMinor', i.discount_minor, 'taxMinor', i.tax_minor, 'refundedQuantity', i.refunded_quantity)
                     ORDER BY i.title, i.sku)
                     FROM order_items i WHERE i.order_id = o.id), '[]') AS items,
         COALESCE((SELECT json_agg(json_build_object('from', h.from_status, 'to', h.to_status, 'actor', h.actor,
                     'reason', h.reason, 'at', h.created_at, 'actorEmail', staff.email)
                     ORDER BY h.created_at, h.to_status)
                     FROM order_status_changes h
                     -- staff are recorded as staff:<user id>
                     LEFT JOIN users staff ON staff.id = CASE WHEN h.actor ~ '^staff:[0-9a-f-]{36}$' THEN substr(h.actor, 7)::uuid END
                    WHERE h.order_id = o.id), '[]') AS history,
         COALESCE((SELECT json_agg(json_build_object('id', p.id, 'provider', lower(p.provider::text), 'status', p.status,
                     'amountMinor', p.amount_minor, 'currency', p.currency, 'createdAt', p.created_at,
                     'providerRef', p.provider_ref, 'failureReason', p.failure_reason)
                     ORDER BY p.created_at, p.id)
                     FROM payments p WHERE p.order_id = o.id), '[]') AS payments,
         ${REFUNDED_SO_FAR_SQL}::int AS "refundedMinor",
         COALESCE((SELECT json_agg(json_build_object('id', r.id, 'paymentId', r.payment_id, 'status', r.status, 'amountMinor', r.amount_minor,
                     'currency', r.currency, 'lines', r.lines, 'restock', r.restock, 'createdAt', r.created_at, 'succeededAt', r.succeeded_at,
                     'actor', r.actor, 'actorEmail', staff.email, 'providerRefundId', r.provider_refund_id, 'failureReason', r.failure_reason)
                     ORDER BY r.created_at, r.id)
                     FROM refunds r
                     LEFT JOIN users staff ON staff.id = CASE WHEN r.actor ~ '^staff:[0-9a-f-]{36}$' THEN substr(r.actor, 7)::uuid END
                    WHERE r.order_id = o.id), '[]') AS refunds
    FROM orders o
   WHERE o.id = $1 AND ($2::uuid IS NULL OR o.user_id = $2)`;

/** The carrier's template (https://...{tracking}...) with the tracking number in it, URL-encoded. */
const trackingUrl = (template: string | null, trackingNumber: string | null) =>
  // a replacer function, so a "$&" in a tracking number stays text
  template && trackingNumber ? template.replaceAll('{tracking}', () => encodeURIComponent(trackingNumber)) : null;

const publicActor = (actor: string) => actor.replace(/^(customer|staff):.*$/, '$1');

function toOrder(row: OrderRow, audience: Audience): Order {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    currency: row.currency,
    subtotalMinor: row.subtotalMinor,
    discountMinor: row.discountMinor,
    discount: row.discountCode === null ? null : { code: row.discountCode, type: row.discountType! },
    shippingMinor: row.shippingMinor,
    codFeeMinor: row.codFeeMinor,
    taxMinor: row.taxMinor,
    taxIncluded: row.taxIncluded,
    totalMinor: row.totalMinor,
    itemCount: row.itemCount,
    paymentMethod: row.paymentMethod,
    cashCollectedMinor: row.cashCollectedMinor,
    shippingAddress: row.shippingAddress,
    contact: { email: row.contactEmail, phone: row.contactPhone },
    shippingMethod: row.shippingMethodName === null ? null : { id: row.shippingMethodId, name: row.shippingMethodName, priceMinor: row.shippingMinor },
    items: row.items.map((item) => ({ ...item, title: fullTitle(item.productTitle, item.variantTitle) })),
    history: row.history.map(({ actorEmail, ...h }) =>
      audience === 'customer' ? { ...h, actor: publicActor(h.actor), at: iso(h.at)! } : { ...h, at: iso(h.at)!, actorEmail },
    ),
    payments: row.payments.map(({ providerRef, failureReason, ...p }) =>
      audience === 'customer' ? { ...p, createdAt: iso(p.createdAt)! } : { ...p, createdAt: iso(p.createdAt)!, providerRef, failureReason },
    ),
    refundedMinor: row.refundedMinor,
    refunds: row.refunds.map(({ actor, actorEmail, providerRefundId, failureReason, ...r }) => {
      const times = { createdAt: iso(r.createdAt)!, succeededAt: iso(r.succeededAt) };
      return audience === 'customer' ? { ...r, ...times } : { ...r, ...times, actor: actor!, actorEmail, providerRefundId, failureReason };
    }),
    shipping: {
      carrier: row.carrier,
      trackingNumber: row.trackingNumber,
      trackingUrl: trackingUrl(row.trackingUrlTemplate, row.trackingNumber),
      shippedAt: iso(row.shippedAt),
      deliveredAt: iso(row.deliveredAt),
    },
    expiresAt: iso(row.expiresAt),
    paidAt: iso(row.paidAt),
    cancelledAt: iso(row.cancelledAt),
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}

/** One order with items, history and payments. With `userId`, another user's order is not found. */
export async function readOrder(db: Queryable, orderId: string, view: { audience: Audience; userId?: string }): Promise<Order> {
  const { rows } = await db.query<OrderRow>(ORDER_DETAIL, [orderId, view.userId ?? null]);
  if (!rows.length) throw new NotFound('Order');
  return toOrder(rows[0], view.audience);
}

const SUMMARY_COLUMNS = `o.id, o.number, o.status, o.currency, o.total_minor AS "totalMinor", o.item_count AS "itemCount",
  o.expires_at AS "expiresAt", o.created_at AS "createdAt"`;

type SummaryRow = Omit<OrderSummary, 'expiresAt' | 'createdAt'> & { expiresAt: Date | null; createdAt: Date };
const toSummary = ({ expiresAt, createdAt, ...rest }: SummaryRow): OrderSummary => ({ ...rest, expiresAt: iso(expiresAt), createdAt: iso(createdAt)! });

export type PageRequest = { limit: number; after?: Cursor };

/** The buyer's orders, newest first. */
export async function listCustomerOrders(db: Queryable, userId: string, { limit, after }: PageRequest): Promise<OrderPage<OrderSummary>> {
  const { rows } = await db.query<SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM orders o
      WHERE o.user_id = $1 AND ($2::timestamptz IS NULL OR (o.created_at, o.id) < ($2, $3::uuid))
      ORDER BY o.created_at DESC, o.id DESC LIMIT $4`,
    [userId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
  );
  const { items, nextCursor } = page(rows, limit);
  return { items: items.map(toSummary), nextCursor };
}

export type StaffOrderFilter = { status?: OrderStatus; from?: Date; to?: Date; customer?: string };

/** Every customer's orders for staff, newest first, narrowed by status, creation time and customer. */
export async function listOrdersForStaff(db: Queryable, filter: StaffOrderFilter, { limit, after }: PageRequest): Promise<OrderPage<StaffOrderSummary>> {
  const params: unknown[] = [];
  const where: string[] = [];
  const condition = (sql: (...placeholders: string[]) => string, ...values: unknown[]) => {
    where.push(sql(...values.map((v) => `$${params.push(v)}`)));
  };
  if (filter.status) condition((s) => `o.status = ${s}::"OrderStatus"`, filter.status);
  if (filter.from) condition((t) => `o.created_at >= ${t}`, filter.from);
  if (filter.to) condition((t) => `o.created_at < ${t}`, filter.to);
  if (filter.customer?.includes('@')) condition((e) => `lower(u.email) = lower(${e})`, filter.customer);
  else if (filter.customer) condition((id) => `o.user_id = ${id}::uuid`, filter.customer);
  if (after) condition((t, id) => `(o.created_at, o.id) < (${t}, ${id}::uuid)`, after.createdAt, after.id);

  const { rows } = await db.query<SummaryRow & { customerId: string; customerEmail: string | null }>(
    `SELECT ${SUMMARY_COLUMNS}, u.id AS "customerId", u.email AS "customerEmail"
       FROM orders o JOIN users u ON u.id = o.user_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY o.created_at DESC, o.id DESC LIMIT $${params.push(limit + 1)}`,
    params,
  );
  const { items, nextCursor } = page(rows, limit);
  return {
    items: items.map(({ customerId, customerEmail, ...row }) => ({ ...toSummary(row), customer: { id: customerId, email: customerEmail } })),
    nextCursor,
  };
}
