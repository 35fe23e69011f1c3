import Stripe from 'stripe';
import { fullTitle } from '../../catalog/variant-title.js';
import { InvalidSignature } from '../errors.js';
import { toDecimal } from '../money.js';
import {
  callGateway,
  type GatewayEvent,
  type GatewayEventKind,
  type GatewayMessage,
  type GatewayOrder,
  type GatewayPayment,
  type GatewayRefund,
  type PaymentProvider,
} from './provider.js';

export type StripeSettings = {
  secretKey: string;
  webhookSecret: string;
  /** e.g. http://127.0.0.1:12111: every SDK call goes there (a fake Stripe in tests, a mock in staging) */
  apiBaseUrl?: string;
  timeoutMs: number;
  maxNetworkRetries: number;
  successUrl: (paymentId: string) => string;
  cancelUrl: (paymentId: string) => string;
};

// Stripe accepts a Checkout Session expiry from 30 minutes to 24 hours after creation.
const MIN_SESSION_SECONDS = 30 * 60 + 60;
const MAX_SESSION_SECONDS = 24 * 60 * 60 - 60;

/**
 * The session ends with the order when Stripe allows it. An order with less than Stripe's
 * 30-minute minimum left gets the minimum: a payment after the order expired is still safe
 * (the pipeline takes the stock again or refunds).
 */
function sessionExpiry(orderExpiresAt: Date | null, nowSeconds = Math.floor(Date.now() / 1000)): number {
  const wanted = orderExpiresAt ? Math.floor(orderExpiresAt.getTime() / 1000) : nowSeconds + MAX_SESSION_SECONDS;
  return Math.min(Math.max(wanted, nowSeconds + MIN_SESSION_SECONDS), nowSeconds + MAX_SESSION_SECONDS);
}

// Stripe takes at most 100 line items in payment mode; a shipping rate's name at most 100 characters.
const MAX_LINE_ITEMS = 100;
const MAX_SHIPPING_NAME = 100;

type Charges = Pick<Stripe.Checkout.SessionCreateParams, 'line_items' | 'shipping_options' | 'custom_text'>;

const money = (amountMinor: number, currency: string) => `${toDecimal(amountMinor, currency)} ${currency}`;

/**
 * What the buyer sees on Stripe's page: the order's lines, the shipping as a shipping rate
 * and the tax, in integer minor units, so that Stripe's amount_total (the line items' amounts
 * plus the shipping rate) is the order total exactly:
 *   prices exclude tax: lines (subtotal) + "Tax" line (the order's tax, shipping's included) + shipping
 *   prices include tax: lines + shipping, which hold the tax already (said in a note)
 * Stripe computes no tax of its own (no automatic_tax, no tax_rates): ours is the one charged.
 * Lines that do not add up to the subtotal, or too many of them, become one line for the goods.
 */
export function checkoutCharges(payment: GatewayPayment, order: GatewayOrder): Charges {
  const currency = payment.currency.toLowerCase();
  const item = (name: string, unitAmount: number, quantity = 1, description?: string): Stripe.Checkout.SessionCreateParams.LineItem => ({
    quantity,
    price_data: {
      currency,
      unit_amount: unitAmount,
      product_data: { name: name.slice(0, 250), ...(description && { description: description.slice(0, 500) }) },
    },
  });
  const includedTax = (taxMinor: number) => (order.taxIncluded && taxMinor > 0 ? `Includes ${money(taxMinor, payment.currency)} tax` : undefined);

  const extras: Stripe.Checkout.SessionCreateParams.LineItem[] = [];
  if (order.codFeeMinor > 0) extras.push(item('Cash on delivery fee', order.codFeeMinor));
  if (!order.taxIncluded && order.taxMinor > 0) extras.push(item('Tax', order.taxMinor));

  const itemised = order.lines.every(
    (l) => Number.isSafeInteger(l.unitPriceMinor) && l.unitPriceMinor >= 0 && l.quantity >= 1 && l.unitPriceMinor * l.quantity === l.lineTotalMinor,
  );
  const goods =
    order.lines.length > 0 &&
    itemised &&
    order.lines.length + extras.length <= MAX_LINE_ITEMS &&
    order.lines.reduce((sum, l) => sum + l.lineTotalMinor, 0) === order.subtotalMinor
      ? order.lines.map((l) => item(fullTitle(l.title, l.variantTitle), l.unitPriceMinor, l.quantity, includedTax(l.taxMinor)))
      : [
          item(
            `Order #${order.number}`,
            order.subtotalMinor,
            1,
            [order.description, includedTax(order.taxMinor - order.shippingTaxMinor)].filter(Boolean).join('. '),
          ),
        ];

  const charges: Charges = {
    line_items: [...goods, ...extras],
    ...(order.shipping && {
      shipping_options: [
        {
          shipping_rate_data: {
            type: 'fixed_amount',
            display_name: order.shipping.methodName.slice(0, MAX_SHIPPING_NAME),
            fixed_amount: { amount: order.shippingMinor, currency },
          },
        },
      ],
    }),
    ...(order.taxIncluded && order.taxMinor > 0 && { custom_text: { submit: { message: `Prices include ${money(order.taxMinor, payment.currency)} tax.` } } }),
  };
  // The breakdown must charge what the payment says; should it not, one line for the whole amount.
  if (stripeTotal(charges) !== payment.amountMinor)
    return { line_items: [item(`Order #${order.number}`, payment.amountMinor, 1, order.description || undefined)] };
  return charges;
}

/** amount_total as Stripe computes it without discounts or Stripe Tax: the line items plus the (first, preselected) shipping rate. */
function stripeTotal(charges: Charges): number {
  const lines = (charges.line_items ?? []).reduce((sum, l) => sum + (l.price_data?.unit_amount ?? NaN) * (l.quantity ?? 1), 0);
  return lines + (charges.shipping_options?.[0]?.shipping_rate_data?.fixed_amount?.amount ?? 0);
}

/** The address we already have, on the PaymentIntent (Stripe shows it and uses it for fraud checks). */
function intentShipping({ address }: NonNullable<GatewayOrder['shipping']>): Stripe.Checkout.SessionCreateParams.PaymentIntentData.Shipping {
  return {
    name: address.recipientName,
    phone: address.phone,
    address: {
      line1: address.line1,
      ...(address.line2 && { line2: address.line2 }),
      city: address.city,
      ...(address.region && { state: address.region }),
      ...(address.postalCode && { postal_code: address.postalCode }),
      country: address.country,
    },
  };
}

const SESSION_EVENTS: Record<string, GatewayEventKind> = {
  'checkout.session.completed': 'paid',
  'checkout.session.async_payment_succeeded': 'paid',
  'checkout.session.async_payment_failed': 'failed',
  'checkout.session.expired': 'expired',
};

type EventBasics = Pick<GatewayEvent, 'provider' | 'eventId' | 'type' | 'payload'>;

/** A Checkout Session's outcome, told by a webhook or read by a lookup. */
function sessionEvent(common: EventBasics, kind: GatewayEventKind, session: Stripe.Checkout.Session): GatewayEvent | null {
  const paymentId = session.metadata?.paymentId ?? session.client_reference_id;
  // "completed" with payment_status unpaid: a delayed method, the async events follow
  if (!paymentId || (kind === 'paid' && session.payment_status !== 'paid')) return null;
  const intent = session.payment_intent;
  return {
    ...common,
    kind,
    payment: { id: paymentId },
    charged: { amountMinor: session.amount_total ?? -1, currency: (session.currency ?? '').toUpperCase() },
    captureRef: typeof intent === 'string' ? intent : intent?.id,
  };
}

export class StripeProvider implements PaymentProvider {
  readonly id = 'stripe';
  readonly label = 'Card (Stripe)';
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    const base = settings.apiBaseUrl ? new URL(settings.apiBaseUrl) : undefined;
    this.stripe = new Stripe(settings.secretKey, {
      maxNetworkRetries: settings.maxNetworkRetries,
      timeout: settings.timeoutMs,
      telemetry: false,
      ...(base && {
        host: base.hostname,
        port: base.port || (base.protocol === 'https:' ? 443 : 80),
        protocol: base.protocol === 'http:' ? 'http' : 'https',
      }),
    });
  }

  async createSession(payment: GatewayPayment, order: GatewayOrder) {
    const session = await callGateway(
      'Stripe Checkout Session',
      this.settings.timeoutMs,
      () =>
        this.stripe.checkout.sessions.create(
          {
            mode: 'payment',
            client_reference_id: payment.id,
            metadata: { orderId: order.id, paymentId: payment.id },
            payment_intent_data: {
              metadata: { orderId: order.id, paymentId: payment.id },
              ...(order.shipping && { shipping: intentShipping(order.shipping) }),
            },
            ...checkoutCharges(payment, order),
            ...(order.customer.email && { customer_email: order.customer.email }),
            success_url: this.settings.successUrl(payment.id),
            cancel_url: this.settings.cancelUrl(payment.id),
            expires_at: sessionExpiry(order.expiresAt),
          },
          // a retried start of the same attempt never makes a second session
          { idempotencyKey: `checkout-session-${payment.id}` },
        ),
      (s) => typeof s?.id === 'string' && typeof s.url === 'string' && s.url.startsWith('http'),
    );
    return { providerRef: session.id, redirectUrl: session.url! };
  }

  async refund(payment: GatewayPayment, refund: GatewayRefund, attemptKey: string) {
    const made = await callGateway(
      'Stripe refund',
      this.settings.timeoutMs,
      () =>
        this.stripe.refunds.create(
          {
            payment_intent: payment.providerRef ?? undefined,
            amount: refund.amountMinor,
            metadata: { paymentId: payment.id, orderId: payment.orderId, refundId: refund.id },
          },
          { idempotencyKey: attemptKey },
        ),
      (r) => typeof r?.id === 'string' && r.status !== 'failed' && r.status !== 'canceled',
    );
    return { refundRef: made.id };
  }

  /** The payment's refund that carries our refund's id (metadata.refundId), made or under way at Stripe. */
  async findRefund(payment: GatewayPayment, refund: GatewayRefund) {
    if (!payment.providerRef) return null;
    const refunds = await callGateway(
      'Stripe refunds of the payment',
      this.settings.timeoutMs,
      () => this.stripe.refunds.list({ payment_intent: payment.providerRef!, limit: 100 }),
      (list) => Array.isArray(list?.data),
    );
    // pending and requires_action refunds are under way at Stripe: issuing another would refund twice.
    // A refund issued before refunds had ids of their own (always the whole payment) carries none.
    const ours = (r: Stripe.Refund) => (r.metadata?.refundId ? r.metadata.refundId === refund.id : r.amount === refund.amountMinor);
    const made = refunds.data.find((r) => ours(r) && r.status !== 'failed' && r.status !== 'canceled');
    return made ? { refundRef: made.id } : null;
  }

  /** The Checkout Session of a pending attempt (its providerRef), read as its webhook would tell it. */
  async lookupPayment(payment: GatewayPayment): Promise<GatewayEvent | null> {
    if (!payment.providerRef?.startsWith('cs_')) return null;
    const session = await callGateway(
      'Stripe Checkout Session lookup',
      this.settings.timeoutMs,
      () => this.stripe.checkout.sessions.retrieve(payment.providerRef!),
      (s) => typeof s?.id === 'string' && typeof s.status === 'string',
    );
    const kind: GatewayEventKind | undefined = session.status === 'complete' ? 'paid' : session.status === 'expired' ? 'expired' : undefined;
    if (!kind) return null;
    // Not the webhook's event id (Stripe's evt_...), which the lookup cannot know: a webhook that
    // comes after finds the payment settled, and the pipeline records it as ignored.
    const common = { provider: 'STRIPE' as const, eventId: `lookup:${session.id}:${kind}`, type: `checkout.session.lookup.${kind}`, payload: session };
    return sessionEvent(common, kind, session);
  }

  async verify({ rawBody, headers }: GatewayMessage): Promise<GatewayEvent | null> {
    const header = headers['stripe-signature'];
    if (!rawBody || typeof header !== 'string') throw new InvalidSignature('The Stripe-Signature header or the body is missing');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, header, this.settings.webhookSecret);
    } catch {
      throw new InvalidSignature();
    }
    const common = { provider: 'STRIPE' as const, eventId: event.id, type: event.type, payload: event };

    const sessionKind = SESSION_EVENTS[event.type];
    if (sessionKind) return sessionEvent(common, sessionKind, event.data.object as Stripe.Checkout.Session);
    if (event.type === 'charge.refunded') {
      const charge = event.data.object;
      const intent = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
      // a partial refund made in Stripe's dashboard is not tracked by the shop; the last one, making the charge refunded, is
      if (!charge.refunded || !intent) return null;
      return { ...common, kind: 'refunded', payment: { providerRef: intent } };
    }
    return null;
  }
}
