import { createHash, timingSafeEqual } from 'node:crypto';
import countries from 'i18n-iso-countries';
import SSLCommerzPayment from 'sslcommerz-lts';
import { z } from 'zod';
import { InvalidSignature, PaymentNotVerified } from '../errors.js';
import { fromDecimal, toDecimal } from '../money.js';
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

export type SslcommerzSettings = {
  storeId: string;
  storePassword: string;
  isLive: boolean;
  /** e.g. http://127.0.0.1:12112: all six endpoints go there instead of sslcommerz.com */
  apiBaseUrl?: string;
  timeoutMs: number;
  /** where SSLCommerz reaches the app (IPN) and sends the buyer back */
  publicBaseUrl: string;
};

type Answer = Record<string, unknown>;
const isAnswer = (a: unknown): a is Answer => typeof a === 'object' && a !== null && !(a instanceof Error);

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

// SSLCommerz's IPN statuses other than VALID, as pipeline events.
const UNPAID_STATUSES: Record<string, GatewayEventKind> = { FAILED: 'failed', CANCELLED: 'cancelled', UNATTEMPTED: 'expired', EXPIRED: 'expired' };

const ipnForm = z.looseObject({
  tran_id: z.string().min(1).max(100),
  status: z.string().min(1).max(40),
  val_id: z.string().min(1).max(100).optional(),
  verify_sign: z.string().regex(/^[0-9a-f]{32}$/i),
  verify_key: z.string().min(1).max(2000),
});
type IpnForm = z.infer<typeof ipnForm>;

/** Card details (masked as they are) and signatures are not kept in the event record. */
const forTheRecord = (fields: Answer) => Object.fromEntries(Object.entries(fields).filter(([k]) => !/^(card_|verify_|store_)/.test(k)));

// SSLCommerz's text fields (string (50) in its v4 API), its phone field (string (20)).
const field = (text: string | null | undefined, max = 50) => (text ?? '').trim().slice(0, max);
const countryName = (code: string) => countries.getName(code, 'en') ?? code;

type InitFields = Record<string, string | number>;

/**
 * The customer (cus_*) and shipment fields of a session. With an address: the buyer's real
 * name, email and phone, the address as the customer's and as the shipment's (ship_*), the
 * shipping method's name, physical goods. An order placed before delivery has no address: the
 * customer fields SSLCommerz requires get neutral placeholders and shipping_method is NO (no
 * ship_* fields then).
 */
export function customerAndShipment(order: GatewayOrder): InitFields {
  const email = field(order.customer.email) || `order-${order.number}@customers.invalid`;
  const address = order.shipping?.address;
  if (!order.shipping || !address)
    return {
      num_of_item: order.itemCount,
      shipping_method: 'NO',
      product_profile: 'general',
      cus_name: field(order.customer.name) || 'Customer',
      cus_email: email,
      cus_add1: 'N/A',
      cus_city: 'N/A',
      cus_postcode: '0000',
      cus_country: 'Bangladesh',
      cus_phone: field(order.customer.phone, 20) || 'N/A',
    };
  const place = {
    add1: field(address.line1),
    ...(address.line2 && { add2: field(address.line2) }),
    city: field(address.city),
    ...(address.region && { state: field(address.region) }),
    // required by SSLCommerz; some countries have no postal codes
    postcode: field(address.postalCode) || '0000',
    country: field(countryName(address.country)),
  };
  const prefixed = (prefix: string) => Object.fromEntries(Object.entries(place).map(([k, v]) => [`${prefix}${k}`, v]));
  return {
    num_of_item: order.itemCount,
    shipping_method: field(order.shipping.methodName) || 'YES',
    product_profile: 'physical-goods',
    cus_name: field(order.customer.name) || field(address.recipientName),
    cus_email: email,
    cus_phone: field(order.customer.phone ?? address.phone, 20),
    ...prefixed('cus_'),
    ship_name: field(address.recipientName),
    ...prefixed('ship_'),
  };
}

export class SslcommerzProvider implements PaymentProvider {
  readonly id = 'sslcommerz';
  readonly label = 'SSLCommerz (cards, mobile banking)';
  private readonly client: SSLCommerzPayment;

  constructor(private readonly settings: SslcommerzSettings) {
    this.client = new SSLCommerzPayment(settings.storeId, settings.storePassword, settings.isLive);
    if (settings.apiBaseUrl) {
      // The SDK builds its six endpoint URLs in the constructor; a base URL alone changes nothing.
      const at = (path: string) => settings.apiBaseUrl!.replace(/\/+$/, '') + path;
      this.client.baseURL = at('');
      this.client.initURL = at('/gwprocess/v4/api.php');
      this.client.validationURL = at('/validator/api/validationserverAPI.php?');
      const transactionApi = at('/validator/api/merchantTransIDvalidationAPI.php?');
      this.client.refundURL = transactionApi;
      this.client.refundQueryURL = transactionApi;
      this.client.transactionQueryBySessionIdURL = transactionApi;
      this.client.transactionQueryByTransactionIdURL = transactionApi;
    }
  }

  private url(path: string) {
    return new URL(path, this.settings.publicBaseUrl).toString();
  }

  async createSession(payment: GatewayPayment, order: GatewayOrder) {
    const answer = await callGateway(
      'SSLCommerz session',
      this.settings.timeoutMs,
      () =>
        this.client.init({
          tran_id: payment.id,
          total_amount: toDecimal(payment.amountMinor, payment.currency),
          currency: payment.currency,
          success_url: this.url('/api/payments/sslcommerz/return/success'),
          fail_url: this.url('/api/payments/sslcommerz/return/fail'),
          cancel_url: this.url('/api/payments/sslcommerz/return/cancel'),
          ipn_url: this.url('/api/payments/sslcommerz/ipn'),
          value_a: order.id,
          product_name: order.description.slice(0, 255) || `Order #${order.number}`,
          product_category: 'general',
          ...customerAndShipment(order),
        }),
      (a) =>
        isAnswer(a) &&
        a.status === 'SUCCESS' &&
        typeof a.sessionkey === 'string' &&
        typeof a.GatewayPageURL === 'string' &&
        a.GatewayPageURL.startsWith('http'),
    );
    return { providerRef: (answer as Answer).sessionkey as string, redirectUrl: (answer as Answer).GatewayPageURL as string };
  }

  /**
   * SSLCommerz keeps refund_trans_id unique per refund (its API since 2025-02; the SDK predates
   * it, so the URL is built here): ours is derived from our refund's id, so a second try of the
   * same refund cannot refund twice, and each partial refund of a payment is a refund of its own.
   */
  async refund(payment: GatewayPayment, refund: GatewayRefund) {
    const query = new URLSearchParams({
      refund_amount: toDecimal(refund.amountMinor, refund.currency),
      refund_remarks: `Refund of order ${payment.orderId}`,
      bank_tran_id: payment.providerRef ?? '',
      refund_trans_id: refundTransId(refund.id),
      refe_id: payment.id,
      store_id: this.settings.storeId,
      store_passwd: this.settings.storePassword,
      v: '1',
      format: 'json',
    });
    const answer = await callGateway(
      'SSLCommerz refund',
      this.settings.timeoutMs,
      // the SDK's four fields are unused when it is given the whole URL
      () => this.client.initiateRefund({ refund_amount: '', refund_remarks: '', bank_tran_id: '', refe_id: '' }, this.client.refundURL + query.toString()),
      (a) => isAnswer(a) && a.APIConnect === 'DONE' && (a.status === 'success' || a.status === 'processing') && typeof a.refund_ref_id === 'string',
    );
    return { refundRef: (answer as Answer).refund_ref_id as string };
  }

  /**
   * SSLCommerz answers about a refund only by its refund_ref_id (refund query API), which an
   * attempt that died before recording it never kept, and its transaction query does not show
   * refunds: there is nothing to ask. The next try repeats the same refund_trans_id, which
   * SSLCommerz does not refund twice.
   */
  async findRefund() {
    return null;
  }

  /** The transaction query by tran_id (our payment id): a paid one reads as its IPN would, with the same event id. */
  async lookupPayment(payment: GatewayPayment): Promise<GatewayEvent | null> {
    const answer = (await callGateway(
      'SSLCommerz transaction query',
      this.settings.timeoutMs,
      () => this.client.transactionQueryByTransactionId({ tran_id: encodeURIComponent(payment.id) }),
      (a) => isAnswer(a) && a.APIConnect === 'DONE' && (a.element === undefined || Array.isArray(a.element)),
    )) as Answer;
    const elements = ((answer.element as Answer[] | undefined) ?? []).filter((e) => isAnswer(e) && e.tran_id === payment.id);
    const paid = elements.find((e) => e.status === 'VALID' || e.status === 'VALIDATED');
    if (paid) {
      if (typeof paid.val_id !== 'string' || !paid.val_id) throw new PaymentNotVerified('SSLCommerz reports a payment without its val_id');
      return paidEvent(payment.id, paid.val_id, paid, { query: forTheRecord(paid) });
    }
    const failed = elements.find((e) => e.status === 'FAILED');
    if (failed) return { ...unpaidEvent(payment.id, 'FAILED'), payload: { query: forTheRecord(failed) } };
    return null; // PENDING, or the buyer never reached the gateway: the order's expiry takes care of it
  }

  /** The algorithm of SSLCommerz's own PHP library: md5 over the listed fields and md5(password), sorted. */
  private signatureHolds(form: IpnForm): boolean {
    const signed: Record<string, string> = {};
    for (const key of form.verify_key.split(',')) signed[key] = String(form[key] ?? '');
    signed.store_passwd = md5(this.settings.storePassword);
    const text = Object.keys(signed)
      .sort()
      .map((k) => `${k}=${signed[k]}`)
      .join('&');
    return timingSafeEqual(Buffer.from(md5(text)), Buffer.from(form.verify_sign.toLowerCase()));
  }

  /** An IPN or a browser return: checks verify_sign, then asks the validation API about a VALID one. */
  async verify({ form: input }: GatewayMessage): Promise<GatewayEvent | null> {
    const parsed = ipnForm.safeParse(input);
    if (!parsed.success) throw new InvalidSignature('The message lacks tran_id, status, verify_sign or verify_key');
    const form = parsed.data;
    const signedKeys = new Set(form.verify_key.split(','));
    const mustBeSigned = ['tran_id', 'status', ...(form.status === 'VALID' ? ['val_id'] : [])];
    if (!mustBeSigned.every((k) => signedKeys.has(k)) || !this.signatureHolds(form)) throw new InvalidSignature('verify_sign does not match');

    const unpaid = UNPAID_STATUSES[form.status];
    if (unpaid) return { ...unpaidEvent(form.tran_id, form.status), payload: { ipn: forTheRecord(form) } };
    if (form.status !== 'VALID' || !form.val_id) return null;

    const validation = (await callGateway(
      'SSLCommerz validation',
      this.settings.timeoutMs,
      () => this.client.validate({ val_id: encodeURIComponent(form.val_id!) }),
      (a) => isAnswer(a) && typeof a.status === 'string',
    )) as Answer;
    if (validation.status !== 'VALID' && validation.status !== 'VALIDATED')
      throw new PaymentNotVerified(`SSLCommerz validation answered ${String(validation.status)}`);
    if (validation.tran_id !== form.tran_id) throw new PaymentNotVerified('SSLCommerz validated another transaction');
    return paidEvent(form.tran_id, form.val_id, validation, { ipn: forTheRecord(form), validation: forTheRecord(validation) });
  }
}

/** A paid transaction, as the validation API or the transaction query tells it (their fields are the same). */
function paidEvent(tranId: string, valId: string, answer: Answer, payload: object): GatewayEvent {
  // For a non-BDT payment SSLCommerz reports the BDT conversion in amount/currency and the
  // original in currency_amount/currency_type: the original is what we asked for.
  const currency = String(answer.currency_type ?? answer.currency ?? '');
  const amountMinor = /^[A-Z]{3}$/.test(currency) ? fromDecimal(answer.currency_amount ?? answer.amount, currency) : null;
  if (amountMinor === null) throw new PaymentNotVerified('SSLCommerz validation carries no readable amount');
  return {
    provider: 'SSLCOMMERZ',
    payment: { id: tranId },
    // the IPN, the buyer's success return and a transaction query carry the same val_id: one event
    eventId: `val:${valId}`,
    type: `validation.${String(answer.status).toLowerCase()}`,
    payload,
    kind: 'paid',
    charged: { amountMinor, currency },
    captureRef: typeof answer.bank_tran_id === 'string' ? answer.bank_tran_id : undefined,
    risky: String(answer.risk_level) === '1',
  };
}

/** An attempt that did not pay (IPN or transaction query): one event per transaction and status. */
function unpaidEvent(tranId: string, status: string): Omit<GatewayEvent, 'payload'> {
  return {
    provider: 'SSLCOMMERZ',
    payment: { id: tranId },
    eventId: `ipn:${tranId}:${status}`,
    type: `ipn.${status.toLowerCase()}`,
    kind: UNPAID_STATUSES[status],
  };
}

/** SSLCommerz's refund_trans_id is at most 30 characters: a digest of our refund's id. */
const refundTransId = (refundId: string) => `R${createHash('sha256').update(refundId).digest('hex').slice(0, 29)}`;
