import type { IncomingHttpHeaders } from 'node:http';
import { BadGateway } from '../../shared/errors.js';
import type { AddressFields } from '../../addresses/schemas.js';
import type { OrderAmounts } from '../../orders/pricing.js';

/**
 * How the API spells providers, in every request and response (openapi: PaymentProvider). `cod`
 * is the cash a courier collected for a cash-on-delivery order: no gateway serves it (starting a
 * payment with it is 422 PROVIDER_NOT_ENABLED), the state machine records it at delivery.
 */
export const PROVIDER_IDS = ['mock', 'stripe', 'sslcommerz', 'cod'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
/** The database's PaymentProvider enum: storage only, never sent. */
export type ProviderCode = 'MOCK' | 'STRIPE' | 'SSLCOMMERZ' | 'COD';
export const providerCode = (id: ProviderId) => id.toUpperCase() as ProviderCode;
export const providerId = (code: ProviderCode) => code.toLowerCase() as ProviderId;

/** What a gateway needs to know about our payment attempt. */
export type GatewayPayment = {
  id: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  /** the gateway's reference: its checkout session while pending, the captured payment once paid */
  providerRef: string | null;
};

/** One order line as sold: what a gateway lists. */
export type GatewayLine = {
  /** the product title */
  title: string;
  /** "M / Red", or null for a product without options */
  variantTitle: string | null;
  unitPriceMinor: number;
  quantity: number;
  lineTotalMinor: number;
  /** the line's tax: inside lineTotalMinor when the order's tax is included, on top of it otherwise */
  taxMinor: number;
};

/** The order's postal address as placed (orders.shipping_address): phone in E.164, country ISO 3166-1 alpha-2. */
export type GatewayAddress = AddressFields;

/**
 * What a gateway needs to know about the order, in integer minor units of `currency`:
 *   totalMinor = subtotalMinor - discountMinor + shippingMinor + codFeeMinor + (taxIncluded ? 0 : taxMinor)
 * (the orders table checks it). Orders placed before delivery have no shipping (null), and
 * their shipping, COD fee and tax are 0.
 */
export type GatewayOrder = OrderAmounts & {
  id: string;
  number: number;
  expiresAt: Date | null;
  itemCount: number;
  /** "T-shirt — M / Red x2, Mug x1": a one-line summary of the lines */
  description: string;
  lines: GatewayLine[];
  shipping: { methodName: string; address: GatewayAddress } | null;
  /** the buyer: the order's contact details, else the account's */
  customer: { name: string | null; email: string | null; phone: string | null };
};

export type GatewaySession = { providerRef: string; redirectUrl: string };

/** One refund of a captured payment (all of it or part): our refunds row, whose id keys it at the gateway. */
export type GatewayRefund = { id: string; amountMinor: number; currency: string };

/** A message the gateway sent us (webhook, IPN, signed callback), before it is verified. */
export type GatewayMessage = { rawBody?: Buffer; form?: Record<string, unknown>; headers: IncomingHttpHeaders };

export type GatewayEventKind = 'paid' | 'failed' | 'cancelled' | 'expired' | 'refunded';

/** A verified gateway message, in the pipeline's terms. */
export type GatewayEvent = {
  provider: ProviderCode;
  /** unique per provider: a redelivery carries the same id */
  eventId: string;
  /** the provider's own name for it, kept for the record */
  type: string;
  payload: unknown;
  kind: GatewayEventKind;
  /** which of our payments: our id when the gateway echoes it, else the gateway's reference */
  payment: { id: string } | { providerRef: string };
  /** what the gateway says was charged; checked against our record */
  charged?: { amountMinor: number; currency: string };
  /** the gateway's reference for the captured money, needed later for refunds */
  captureRef?: string;
  /** the gateway flagged the payment as risky: hold the order for staff */
  risky?: boolean;
};

export interface PaymentProvider {
  readonly id: ProviderId;
  readonly label: string;
  createSession(payment: GatewayPayment, order: GatewayOrder): Promise<GatewaySession>;
  /**
   * Gives `refund.amountMinor` of the captured payment back (part of it, or all). `attemptKey` is
   * unique per attempt at this refund: the gateway's idempotency key, where it has one.
   */
  refund(payment: GatewayPayment, refund: GatewayRefund, attemptKey: string): Promise<{ refundRef: string }>;
  /**
   * This refund as the gateway has made it or is making it, or null when it has none: asked
   * before a refund is tried again, since an earlier attempt's outcome may be unknown. Another
   * refund of the same payment (an earlier partial one) is not it.
   */
  findRefund(payment: GatewayPayment, refund: GatewayRefund): Promise<{ refundRef: string } | null>;
  /**
   * What the gateway knows about a payment attempt still pending with us (its webhook may never
   * come), as the event the pipeline applies; null while the gateway has no outcome either.
   */
  lookupPayment(payment: GatewayPayment): Promise<GatewayEvent | null>;
  /** Verifies a gateway message (signature, validation call) and translates it; null = not an event we act on. */
  verify(message: GatewayMessage): Promise<GatewayEvent | null>;
}

/**
 * Runs one call to a gateway with a deadline. Whatever goes wrong (refused connection,
 * timeout, 5xx, an answer of the wrong shape) becomes a 502 GATEWAY_ERROR naming the call,
 * never the URL (SSLCommerz puts the store password in it).
 */
export async function callGateway<T>(what: string, timeoutMs: number, call: () => Promise<T>, isWellFormed: (answer: T) => boolean): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BadGateway(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const answer = await Promise.race([call(), deadline]);
    if (!isWellFormed(answer)) throw new BadGateway(`${what}: unexpected answer from the gateway`);
    return answer;
  } catch (err) {
    if (err instanceof BadGateway) throw err;
    throw new BadGateway(`${what}: the gateway call failed`);
  } finally {
    clearTimeout(timer);
  }
}
