// A fake Stripe API on loopback, spoken to by the real `stripe` SDK (STRIPE_API_BASE_URL):
// Checkout Sessions (create, retrieve) and Refunds (create of all or part of a payment, list)
// with idempotency keys and Stripe's error shapes, plus the
// signed events Stripe would send to the shop's webhook.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import Stripe from 'stripe';

export const WEBHOOK_SECRET = 'whsec_test_fake_stripe';

type Session = Record<string, unknown> & {
  id: string;
  amount_total: number;
  currency: string;
  metadata: Record<string, string>;
  payment_intent: string | null;
};
type Refund = {
  id: string;
  payment_intent: string;
  amount: number;
  currency: string;
  status: string;
  idempotencyKey: string | undefined;
  metadata: Record<string, string>;
};
export type StripeTrouble = 'http500' | 'malformed' | 'slow';

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const stripeError = (res: express.Response, status: number, message: string) =>
  res.status(status).json({ error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message } });

type LineItem = {
  id: string;
  object: 'item';
  description: string;
  quantity: number;
  currency: string;
  amount_subtotal: number;
  amount_total: number;
  price: { unit_amount: number; currency: string; product_data: { name: string; description?: string } };
};
type Priced = {
  currency: string;
  lineItems: LineItem[];
  amounts: {
    amount_subtotal: number;
    amount_total: number;
    shipping_cost: { amount_subtotal: number; amount_tax: number; amount_total: number; shipping_rate: string } | null;
    shipping_options: { shipping_amount: number; shipping_rate: string }[];
    total_details: { amount_discount: number; amount_shipping: number; amount_tax: number };
  };
};

// Form values arrive as strings; qs turns more than 20 indexed entries into an object, so read both.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const entries = (value: any): any[] => (value === undefined ? [] : Array.isArray(value) ? value : typeof value === 'object' ? Object.values(value) : [value]);
const wholeNumber = (value: unknown, min: number) => (/^\d{1,12}$/.test(String(value)) && Number(value) >= min ? Number(value) : null);

/**
 * A session's amounts as Stripe computes them without discounts or Stripe Tax: each line item
 * is unit_amount x quantity (amount_subtotal is their sum), the first shipping option is the
 * preselected one, and amount_total = amount_subtotal + its fixed amount. Stripe's own checks
 * on what it is given: one currency, 1 to 100 line items, at most 5 fixed-amount shipping rates.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function priceSession(body: Record<string, any>): Priced | { error: string } {
  const lines = entries(body.line_items);
  if (lines.length < 1) return { error: 'Missing required param: line_items.' };
  if (lines.length > 100) return { error: 'You may only specify up to 100 line items in payment mode.' };
  const currency = String(lines[0]?.price_data?.currency ?? '');
  if (!/^[a-z]{3}$/.test(currency)) return { error: 'Invalid currency: line_items[0][price_data][currency].' };
  const lineItems: LineItem[] = [];
  for (const [at, line] of lines.entries()) {
    const price = line?.price_data;
    const unitAmount = wholeNumber(price?.unit_amount, 0);
    const quantity = wholeNumber(line?.quantity, 1);
    const name = String(price?.product_data?.name ?? '');
    if (!price || unitAmount === null || quantity === null || !name)
      return { error: `Invalid line_items[${at}]: price_data, unit_amount, quantity and product_data[name] are required.` };
    if (price.currency !== currency) return { error: 'All line items must have the same currency.' };
    lineItems.push({
      id: id('li'),
      object: 'item',
      description: name,
      quantity,
      currency,
      amount_subtotal: unitAmount * quantity,
      amount_total: unitAmount * quantity,
      price: { unit_amount: unitAmount, currency, product_data: price.product_data },
    });
  }
  const options = entries(body.shipping_options);
  if (options.length > 5) return { error: 'You may only specify up to 5 shipping options.' };
  const rates: { shipping_amount: number; shipping_rate: string }[] = [];
  for (const [at, option] of options.entries()) {
    const rate = option?.shipping_rate_data;
    const amount = wholeNumber(rate?.fixed_amount?.amount, 0);
    const name = String(rate?.display_name ?? '');
    if (rate?.type !== 'fixed_amount' || amount === null || !name || name.length > 100)
      return { error: `Invalid shipping_options[${at}][shipping_rate_data]: type fixed_amount, fixed_amount[amount] and a display_name up to 100 characters.` };
    if (rate.fixed_amount.currency !== currency) return { error: 'The shipping rate currency must match the line items currency.' };
    rates.push({ shipping_amount: amount, shipping_rate: id('shr') });
  }
  const subtotal = lineItems.reduce((sum, l) => sum + l.amount_total, 0);
  const shipping = rates[0];
  return {
    currency,
    lineItems,
    amounts: {
      amount_subtotal: subtotal,
      amount_total: subtotal + (shipping?.shipping_amount ?? 0),
      shipping_cost: shipping
        ? { amount_subtotal: shipping.shipping_amount, amount_tax: 0, amount_total: shipping.shipping_amount, shipping_rate: shipping.shipping_rate }
        : null,
      shipping_options: rates,
      total_details: { amount_discount: 0, amount_shipping: shipping?.shipping_amount ?? 0, amount_tax: 0 },
    },
  };
}

export async function startFakeStripe() {
  const sessions = new Map<string, Session>();
  const lineItems = new Map<string, LineItem[]>(); // session id -> its line items, as GET .../line_items lists them
  const refunds: Refund[] = [];
  const sessionRequests: { idempotencyKey: string | undefined; body: Record<string, unknown> }[] = [];
  const requests: string[] = []; // "POST /v1/refunds", every call that reached the fake
  const answered = new Map<string, { status: number; body: unknown }>(); // idempotency key -> the first answer
  let trouble: StripeTrouble | undefined;
  let refundFailures = 0; // the next refund calls that fail with a 500

  const app = express();
  app.use(express.urlencoded({ extended: true }));
  app.use((req, res, next) => {
    requests.push(`${req.method} ${req.path}`);
    if (req.headers.authorization !== 'Bearer sk_test_fake') return stripeError(res, 401, 'Invalid API Key provided');
    // Like Stripe: the first answer for an idempotency key is replayed, errors included.
    const key = req.headers['idempotency-key'] as string | undefined;
    const replay = key && answered.get(key);
    if (replay) return void res.status(replay.status).json(replay.body);
    const json = res.json.bind(res);
    res.json = (body) => {
      if (key) answered.set(key, { status: res.statusCode, body });
      return json(body);
    };
    if (trouble === 'slow') return; // never answers: the caller's timeout decides
    if (trouble === 'http500') return stripeError(res, 500, 'An unknown error occurred');
    if (trouble === 'malformed') return void res.type('json').send('<html>upstream error</html>');
    next();
  });

  app.post('/v1/checkout/sessions', (req, res) => {
    // Stripe's form-encoded params, nested as the real API reads them; each one is checked where it is used.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const body = req.body as Record<string, any>;
    sessionRequests.push({ idempotencyKey: req.headers['idempotency-key'] as string | undefined, body });
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = Number(body.expires_at ?? now + 86400);
    if (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 3600)
      return stripeError(res, 400, 'The `expires_at` timestamp must be between 30 minutes and 24 hours from now.');
    if (body.mode !== 'payment' || !body.success_url) return stripeError(res, 400, 'Missing required param');
    const priced = priceSession(body);
    if ('error' in priced) return stripeError(res, 400, priced.error);
    const session: Session = {
      id: id('cs_test'),
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      ...priced.amounts,
      currency: priced.currency,
      client_reference_id: body.client_reference_id ?? null,
      metadata: body.metadata ?? {},
      customer_email: body.customer_email ?? null,
      custom_text: body.custom_text ?? null,
      success_url: body.success_url,
      cancel_url: body.cancel_url,
      expires_at: expiresAt,
      payment_intent: null,
      url: '',
    };
    lineItems.set(session.id, priced.lineItems);
    session.url = `https://checkout.stripe.test/c/pay/${session.id}`;
    sessions.set(session.id, session);
    res.json(session);
  });

  app.get('/v1/checkout/sessions/:id', (req, res) => {
    const session = sessions.get(req.params.id);
    if (!session) return stripeError(res, 404, `No such checkout.session: '${req.params.id}'`);
    res.json(session);
  });

  app.get('/v1/checkout/sessions/:id/line_items', (req, res) => {
    const items = lineItems.get(req.params.id);
    if (!items) return stripeError(res, 404, `No such checkout.session: '${req.params.id}'`);
    res.json({ object: 'list', data: items, has_more: false, url: `/v1/checkout/sessions/${req.params.id}/line_items` });
  });

  const refundObject = (refund: Refund) => ({
    id: refund.id,
    object: 'refund',
    amount: refund.amount,
    currency: refund.currency,
    payment_intent: refund.payment_intent,
    status: refund.status,
    metadata: refund.metadata,
  });

  const refundedOf = (intent: string) => refunds.filter((r) => r.payment_intent === intent && r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0);

  /** Like Stripe: `amount` defaults to what is left of the charge, and may not exceed it. */
  function makeRefund(
    intent: string,
    options: { amount?: number; idempotencyKey?: string; metadata?: Record<string, string> } = {},
  ): Refund | { error: string } {
    const session = [...sessions.values()].find((s) => s.payment_intent === intent);
    if (!session) return { error: `No such payment_intent: '${intent}'` };
    const left = session.amount_total - refundedOf(intent);
    if (left === 0) return { error: `Charge for ${intent} has already been refunded.` };
    const amount = options.amount ?? left;
    if (!Number.isInteger(amount) || amount < 1) return { error: 'Invalid positive integer' };
    if (amount > left) return { error: `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})` };
    const refund = {
      id: id('re'),
      payment_intent: intent,
      amount,
      currency: session.currency,
      status: 'succeeded',
      idempotencyKey: options.idempotencyKey,
      metadata: options.metadata ?? {},
    };
    refunds.push(refund);
    return refund;
  }

  app.post('/v1/refunds', (req, res) => {
    if (refundFailures > 0) {
      refundFailures--;
      return stripeError(res, 500, 'An unknown error occurred');
    }
    const refund = makeRefund(String(req.body.payment_intent ?? ''), {
      amount: req.body.amount === undefined ? undefined : Number(req.body.amount),
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      metadata: req.body.metadata ?? {},
    });
    if ('error' in refund) return stripeError(res, 400, refund.error);
    res.json(refundObject(refund));
  });

  // Stripe's list of refunds, filtered by payment_intent, newest first
  app.get('/v1/refunds', (req, res) => {
    const intent = req.query.payment_intent as string | undefined;
    const data = refunds
      .filter((r) => !intent || r.payment_intent === intent)
      .reverse()
      .map((r) => refundObject(r));
    res.json({ object: 'list', data, has_more: false, url: '/v1/refunds' });
  });

  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function sessionFor(paymentId: string): Session {
    const session = [...sessions.values()].find((s) => s.metadata.paymentId === paymentId);
    if (!session) throw new Error(`fake Stripe: no session for payment ${paymentId}`);
    return session;
  }

  function event(type: string, object: Record<string, unknown>) {
    return {
      id: id('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object },
    };
  }

  return {
    url,
    env: { STRIPE_SECRET_KEY: 'sk_test_fake', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE_URL: url },
    sessions,
    lineItems,
    sessionRequests,
    refunds,
    requests,
    sessionFor,
    /** The next `count` refund calls fail with a 500 (other calls answer). */
    failRefunds(count: number) {
      refundFailures = count;
    },
    /** A refund Stripe made (from its dashboard, or a call whose answer never reached the shop). */
    refundAtStripe(paymentId: string, options: { amount?: number; metadata?: Record<string, string> } = {}) {
      const refund = makeRefund(String(sessionFor(paymentId).payment_intent), options);
      if ('error' in refund) throw new Error(`fake Stripe: ${refund.error}`);
      return refund;
    },
    /** The next calls fail this way until cleared (undefined). */
    setTrouble(next: StripeTrouble | undefined) {
      trouble = next;
    },
    /** The buyer pays (or a delayed method is still processing: paymentStatus 'unpaid'). */
    completed(paymentId: string, { paymentStatus = 'paid', type = 'checkout.session.completed' } = {}) {
      const session = sessionFor(paymentId);
      if (paymentStatus === 'paid') Object.assign(session, { status: 'complete', payment_status: 'paid', payment_intent: session.payment_intent ?? id('pi') });
      return event(type, { ...session });
    },
    sessionEvent(paymentId: string, type: string, changes: Record<string, unknown> = {}) {
      return event(type, { ...sessionFor(paymentId), ...changes });
    },
    /** The charge as Stripe tells it after its refunds (all of it when the fake made none: a dashboard refund); refunded once they reach its amount. */
    chargeRefunded(paymentId: string) {
      const session = sessionFor(paymentId);
      const refunded = refundedOf(String(session.payment_intent)) || session.amount_total;
      return event('charge.refunded', {
        id: id('ch'),
        object: 'charge',
        amount: session.amount_total,
        amount_refunded: refunded,
        refunded: refunded === session.amount_total,
        payment_intent: session.payment_intent,
        currency: session.currency,
      });
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>;

/** The body and Stripe-Signature header Stripe would send; `secret`/`timestamp` to forge bad ones. */
export function signedDelivery(event: object, options: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? WEBHOOK_SECRET, timestamp: options.timestamp });
  return { payload, header };
}
