import Stripe from 'stripe';
import { InvalidSignature } from '../errors.js';
import {
  callGateway,
  type GatewayEvent,
  type GatewayEventKind,
  type GatewayMessage,
  type GatewayOrder,
  type GatewayPayment,
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

const SESSION_EVENTS: Record<string, GatewayEventKind> = {
  'checkout.session.completed': 'paid',
  'checkout.session.async_payment_succeeded': 'paid',
  'checkout.session.async_payment_failed': 'failed',
  'checkout.session.expired': 'expired',
};

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
            payment_intent_data: { metadata: { orderId: order.id, paymentId: payment.id } },
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: payment.currency.toLowerCase(),
                  unit_amount: payment.amountMinor,
                  // Stripe refuses an empty description
                  product_data: { name: `Order #${order.number}`, ...(order.description && { description: order.description.slice(0, 500) }) },
                },
              },
            ],
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

  async refund(payment: GatewayPayment, attemptKey: string) {
    const refund = await callGateway(
      'Stripe refund',
      this.settings.timeoutMs,
      () =>
        this.stripe.refunds.create(
          { payment_intent: payment.providerRef ?? undefined, metadata: { paymentId: payment.id, orderId: payment.orderId } },
          { idempotencyKey: attemptKey },
        ),
      (r) => typeof r?.id === 'string' && r.status !== 'failed' && r.status !== 'canceled',
    );
    return { refundRef: refund.id };
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
    if (sessionKind) {
      const session = event.data.object as Stripe.Checkout.Session;
      const paymentId = session.metadata?.paymentId ?? session.client_reference_id;
      // "completed" with payment_status unpaid: a delayed method, the async events follow
      if (!paymentId || (sessionKind === 'paid' && session.payment_status !== 'paid')) return null;
      const intent = session.payment_intent;
      return {
        ...common,
        kind: sessionKind,
        payment: { id: paymentId },
        charged: { amountMinor: session.amount_total ?? -1, currency: (session.currency ?? '').toUpperCase() },
        captureRef: typeof intent === 'string' ? intent : intent?.id,
      };
    }
    if (event.type === 'charge.refunded') {
      const charge = event.data.object;
      const intent = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
      // partial refunds are made and tracked outside the shop
      if (!charge.refunded || !intent) return null;
      return { ...common, kind: 'refunded', payment: { providerRef: intent } };
    }
    return null;
  }
}
