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

  async refund(payment: GatewayPayment) {
    const answer = await callGateway(
      'SSLCommerz refund',
      this.settings.timeoutMs,
      () =>
        this.client.initiateRefund({
          refund_amount: toDecimal(payment.amountMinor, payment.currency),
          refund_remarks: encodeURIComponent(`Refund of order ${payment.orderId}`),
          bank_tran_id: encodeURIComponent(payment.providerRef ?? ''),
          refe_id: payment.id,
        }),
      (a) => isAnswer(a) && a.APIConnect === 'DONE' && (a.status === 'success' || a.status === 'processing') && typeof a.refund_ref_id === 'string',
    );
    return { refundRef: (answer as Answer).refund_ref_id as string };
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

    const common = { provider: 'SSLCOMMERZ' as const, payment: { id: form.tran_id } };
    const unpaid = UNPAID_STATUSES[form.status];
    if (unpaid)
      return {
        ...common,
        eventId: `ipn:${form.tran_id}:${form.status}`,
        type: `ipn.${form.status.toLowerCase()}`,
        payload: { ipn: forTheRecord(form) },
        kind: unpaid,
      };
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
    // For a non-BDT payment SSLCommerz reports the BDT conversion in amount/currency and the
    // original in currency_amount/currency_type: the original is what we asked for.
    const currency = String(validation.currency_type ?? validation.currency ?? '');
    const amountMinor = /^[A-Z]{3}$/.test(currency) ? fromDecimal(validation.currency_amount ?? validation.amount, currency) : null;
    if (amountMinor === null) throw new PaymentNotVerified('SSLCommerz validation carries no readable amount');

    return {
      ...common,
      // the IPN and the buyer's success return carry the same val_id: one event
      eventId: `val:${form.val_id}`,
      type: `validation.${String(validation.status).toLowerCase()}`,
      payload: { ipn: forTheRecord(form), validation: forTheRecord(validation) },
      kind: 'paid',
      charged: { amountMinor, currency },
      captureRef: typeof validation.bank_tran_id === 'string' ? validation.bank_tran_id : undefined,
      risky: String(validation.risk_level) === '1',
    };
  }
}
