// What every order status and payment status means, in one place: the state machine
// (state-machine.ts), refunds, the payment pipeline, the staff panel's dashboard and actions, the
// demo data, the zod schemas and the contract all read these. test/orders/statuses.test.ts checks
// that the database's enums, the zod enums and the contract's enums list exactly these values.
import type { StockReason } from '../catalog/stock.js';

export const ORDER_STATUSES = [
  'AWAITING_PAYMENT',
  'CONFIRMED',
  'ON_HOLD',
  'PAID',
  'SHIPPED',
  'DELIVERED',
  'PARTIALLY_REFUNDED',
  'CANCELLED',
  'EXPIRED',
  'REFUNDED',
  'RETURNED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Every order state and the states it may move to. The one source of truth. */
export const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  AWAITING_PAYMENT: ['PAID', 'ON_HOLD', 'CANCELLED', 'EXPIRED'],
  CONFIRMED: ['SHIPPED', 'CANCELLED'], // cash on delivery: staff ship it, or cancel it (stock back)
  ON_HOLD: ['PAID', 'CANCELLED'], // a risky payment: staff release or cancel (and refund) it
  PAID: ['SHIPPED', 'CANCELLED', 'PARTIALLY_REFUNDED'],
  SHIPPED: ['DELIVERED', 'REFUNDED', 'RETURNED', 'PARTIALLY_REFUNDED'], // RETURNED: cash on delivery refused at the door
  DELIVERED: ['REFUNDED', 'PARTIALLY_REFUNDED'],
  PARTIALLY_REFUNDED: ['SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED'], // each only where its goods are: PARTIALLY_REFUNDED_MOVES
  CANCELLED: ['REFUNDED', 'PAID'], // PAID: a late payment for an unpaid cancelled order, if stock is still there
  EXPIRED: ['PAID'], // a late payment, if stock is still there
  REFUNDED: [],
  RETURNED: [],
};

/**
 * Where an order's goods are (orders.shipped_at, delivered_at). A partially refunded order
 * keeps its place in fulfilment: staff still ship an unshipped one (a broken item refunded
 * before it left), the courier still delivers a shipped one.
 */
export type Fulfilment = 'unshipped' | 'shipped' | 'delivered';
export const fulfilmentOf = (order: { shippedAt?: unknown; deliveredAt?: unknown }): Fulfilment =>
  order.deliveredAt ? 'delivered' : order.shippedAt ? 'shipped' : 'unshipped';

/**
 * A PARTIALLY_REFUNDED order's moves, by where its goods are: an unshipped one ships, or is
 * cancelled when the rest is refunded (its stock back, as a paid order's); a shipped or delivered
 * one becomes REFUNDED when the rest is refunded, and a shipped one can still be delivered.
 */
export const PARTIALLY_REFUNDED_MOVES: Record<Fulfilment, readonly OrderStatus[]> = {
  unshipped: ['SHIPPED', 'CANCELLED'],
  shipped: ['DELIVERED', 'REFUNDED'],
  delivered: ['REFUNDED'],
};

/** The table's answer; for a PARTIALLY_REFUNDED order, with its fulfilment when the caller knows it. */
export const canTransition = (from: OrderStatus, to: OrderStatus, fulfilment?: Fulfilment) =>
  TRANSITIONS[from].includes(to) && (from !== 'PARTIALLY_REFUNDED' || !fulfilment || PARTIALLY_REFUNDED_MOVES[fulfilment].includes(to));

/**
 * The way an order usually comes to each status, from checkout on, along the state machine's
 * transitions (the demo orders, and the test fixtures' orders, are made this way).
 */
export const PATH_TO: Record<OrderStatus, OrderStatus[]> = {
  AWAITING_PAYMENT: ['AWAITING_PAYMENT'],
  CONFIRMED: ['CONFIRMED'], // cash on delivery starts here
  ON_HOLD: ['AWAITING_PAYMENT', 'ON_HOLD'], // the gateway flagged the payment as risky
  PAID: ['AWAITING_PAYMENT', 'PAID'],
  SHIPPED: ['AWAITING_PAYMENT', 'PAID', 'SHIPPED'],
  DELIVERED: ['AWAITING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED'],
  PARTIALLY_REFUNDED: ['AWAITING_PAYMENT', 'PAID', 'PARTIALLY_REFUNDED'], // a broken item refunded before shipping
  CANCELLED: ['AWAITING_PAYMENT', 'CANCELLED'],
  EXPIRED: ['AWAITING_PAYMENT', 'EXPIRED'],
  REFUNDED: ['AWAITING_PAYMENT', 'PAID', 'CANCELLED', 'REFUNDED'],
  RETURNED: ['CONFIRMED', 'SHIPPED', 'RETURNED'],
};

/**
 * Cash on delivery (orders.payment_method = 'cod'): these statuses are for such orders only, and
 * such an order is paid when it is DELIVERED, with the cash the courier collected (a COD payment
 * row). The state machine enforces both.
 */
export const CASH_ON_DELIVERY_ONLY: ReadonlySet<OrderStatus> = new Set(['CONFIRMED', 'RETURNED']);
export const CASH_COLLECTED_AT: OrderStatus = 'DELIVERED';

// Where the order's stock is: held for it (taken at checkout, back on the shelf if it lets go),
// given back to the shelf, or gone with the parcel (SHIPPED, DELIVERED: neither set).
export const HOLDS_STOCK: ReadonlySet<OrderStatus> = new Set(['AWAITING_PAYMENT', 'CONFIRMED', 'ON_HOLD', 'PAID']);
export const RELEASED_STOCK: ReadonlySet<OrderStatus> = new Set(['CANCELLED', 'EXPIRED', 'REFUNDED', 'RETURNED']);
/** A partially refunded order still holds the stock of its unshipped goods (less the units refunded by line). */
export const holdsStock = (status: OrderStatus, fulfilment?: Fulfilment) =>
  HOLDS_STOCK.has(status) || (status === 'PARTIALLY_REFUNDED' && fulfilment === 'unshipped');
/**
 * An order that lets go before it is paid (unpaid, or cash on delivery not yet delivered, to
 * CANCELLED or EXPIRED) gives its discount code's use back; the state machine does it once.
 * A late payment that revives such an order keeps the price it was placed at without taking
 * the use again.
 */
export const givesDiscountUseBack = (from: OrderStatus, to: OrderStatus) =>
  (from === 'AWAITING_PAYMENT' || from === 'CONFIRMED') && (to === 'CANCELLED' || to === 'EXPIRED');
/** The parcel came back (refused at the door): its goods go back on the shelf, though they had left with it. */
export const BACK_FROM_THE_DOOR: OrderStatus = 'RETURNED';
/**
 * The stock ledger's reason when an order's stock moves: taken again by a late payment, or put
 * back by the status it lets go to. A refund's own cancel says refund_restock (refunds.ts).
 */
export const stockReason = (to: OrderStatus, reclaims: boolean): StockReason =>
  reclaims ? 'late_payment_retake' : to === 'EXPIRED' ? 'expiry' : to === BACK_FROM_THE_DOOR ? 'cod_return' : to === 'REFUNDED' ? 'refund_restock' : 'cancel';

/**
 * How an order follows its payment once refunds gave back all of it, by the status it is in:
 * unshipped goods go back on the shelf (through CANCELLED, which restores the stock its refunds
 * did not restock), shipped ones are refunded as they are. An order in any other status cannot
 * be refunded.
 */
export const REFUND_PATH: Partial<Record<OrderStatus, readonly OrderStatus[]>> = {
  PAID: ['CANCELLED', 'REFUNDED'],
  ON_HOLD: ['CANCELLED', 'REFUNDED'],
  CANCELLED: ['REFUNDED'],
  SHIPPED: ['REFUNDED'],
  DELIVERED: ['REFUNDED'],
  PARTIALLY_REFUNDED: ['REFUNDED'], // shipped or delivered; unshipped: refundPath
};
export const refundPath = (status: OrderStatus, fulfilment: Fulfilment): readonly OrderStatus[] | undefined =>
  status === 'PARTIALLY_REFUNDED' && fulfilment === 'unshipped' ? ['CANCELLED', 'REFUNDED'] : REFUND_PATH[status];

/**
 * Where a refund of part of the payment (an amount, or some lines) may be made: orders whose
 * buyer keeps (or gets) the rest. It takes the order to PARTIALLY_REFUNDED while its refunds are
 * short of the payment; an order held for a risky payment, or cancelled, is refunded whole.
 */
export const PARTIAL_REFUND_FROM: readonly OrderStatus[] = ['PAID', 'SHIPPED', 'DELIVERED', 'PARTIALLY_REFUNDED'];
export const PARTIALLY_REFUNDED: OrderStatus = 'PARTIALLY_REFUNDED';

/** The staff dashboard's revenue: orders whose money the shop keeps (less what their refunds gave back). */
export const REVENUE_STATUSES: readonly OrderStatus[] = ['PAID', 'SHIPPED', 'DELIVERED', 'PARTIALLY_REFUNDED'];
/**
 * The staff dashboard's "awaiting shipment": paid, or confirmed for cash on delivery, not yet handed
 * to the carrier (orders.shipped_at null: a partially refunded order waits until it is shipped).
 */
export const AWAITING_SHIPMENT: readonly OrderStatus[] = ['PAID', 'CONFIRMED', 'PARTIALLY_REFUNDED'];

export const PAYMENT_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED', 'REFUND_PENDING', 'REFUNDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** A payment whose money the shop holds: what a refund gives back. */
export const CAPTURED: PaymentStatus = 'SUCCEEDED';
/** Money can still arrive for these: a failed, replaced or expired attempt may be paid late. */
export const CAPTURABLE: ReadonlySet<PaymentStatus> = new Set(['PENDING', 'FAILED', 'CANCELLED', 'EXPIRED']);

// What a status sets off after it commits (through the outbox: src/jobs/outbox.ts). The
// notifications domain mails these; the webhooks domain sends these events to staff endpoints.

export type CustomerMailKind =
  | 'order_placed'
  | 'payment_received'
  | 'shipped'
  | 'delivered'
  | 'cancelled'
  | 'expired'
  | 'refunded'
  | 'partially_refunded'
  | 'cod_confirmed'
  | 'cod_delivered';
/**
 * The mail a customer gets when the order reaches a status. A cash-on-delivery order's
 * DELIVERED mail is `cod_delivered` (the cash collected). A refund's mail follows the refunded
 * payment (payment.refunded), not the status, so an automatic refund of a payment the order
 * could not take is mailed too; a refund short of the whole payment is `partially_refunded`.
 */
export const CUSTOMER_MAIL_ON: Partial<Record<OrderStatus, CustomerMailKind>> = {
  AWAITING_PAYMENT: 'order_placed',
  CONFIRMED: 'cod_confirmed',
  PAID: 'payment_received',
  SHIPPED: 'shipped',
  DELIVERED: 'delivered',
  CANCELLED: 'cancelled',
  EXPIRED: 'expired',
};

/** Staff are told of an order to ship: paid, or confirmed for cash on delivery. */
export const STAFF_MAIL_ON: Partial<Record<OrderStatus, 'new_order'>> = { PAID: 'new_order', CONFIRMED: 'new_order' };

export const OUTBOUND_ORDER_EVENTS = [
  'order.placed',
  'order.paid',
  'order.shipped',
  'order.delivered',
  'order.cancelled',
  'order.partially_refunded',
  'order.refunded',
] as const;
export type OutboundOrderEvent = (typeof OUTBOUND_ORDER_EVENTS)[number];
/** The outbound webhook event (src/webhooks) of reaching a status; an expired order counts as cancelled. */
export const OUTBOUND_EVENT_ON: Partial<Record<OrderStatus, OutboundOrderEvent>> = {
  AWAITING_PAYMENT: 'order.placed',
  CONFIRMED: 'order.placed',
  PAID: 'order.paid',
  SHIPPED: 'order.shipped',
  DELIVERED: 'order.delivered',
  CANCELLED: 'order.cancelled',
  EXPIRED: 'order.cancelled',
  PARTIALLY_REFUNDED: 'order.partially_refunded',
  REFUNDED: 'order.refunded',
};
