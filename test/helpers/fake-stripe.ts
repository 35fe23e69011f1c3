// A fake Stripe API on loopback, spoken to by the real `stripe` SDK (STRIPE_API_BASE_URL):
// Checkout Sessions and Refunds with idempotency keys and Stripe's error shapes, plus the
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
type Refund = { id: string; payment_intent: string; amount: number; idempotencyKey: string | undefined };
export type StripeTrouble = 'http500' | 'malformed' | 'slow';

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const stripeError = (res: express.Response, status: number, message: string) =>
  res.status(status).json({ error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message } });

export async function startFakeStripe() {
  const sessions = new Map<string, Session>();
  const refunds: Refund[] = [];
  const sessionRequests: { idempotencyKey: string | undefined; body: Record<string, unknown> }[] = [];
  const requests: string[] = []; // "POST /v1/refunds", every call that reached the fake
  const answered = new Map<string, { status: number; body: unknown }>(); // idempotency key -> the first answer
  let trouble: StripeTrouble | undefined;

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
    const line = body.line_items?.[0];
    if (body.mode !== 'payment' || !line?.price_data || !body.success_url) return stripeError(res, 400, 'Missing required param');
    const session: Session = {
      id: id('cs_test'),
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: Number(line.price_data.unit_amount) * Number(line.quantity),
      currency: line.price_data.currency,
      client_reference_id: body.client_reference_id ?? null,
      metadata: body.metadata ?? {},
      customer_email: body.customer_email ?? null,
      success_url: body.success_url,
      cancel_url: body.cancel_url,
      expires_at: expiresAt,
      payment_intent: null,
      url: '',
    };
    session.url = `https://checkout.stripe.test/c/pay/${session.id}`;
    sessions.set(session.id, session);
    res.json(session);
  });

  app.get('/v1/checkout/sessions/:id', (req, res) => {
    const session = sessions.get(req.params.id);
    if (!session) return stripeError(res, 404, `No such checkout.session: '${req.params.id}'`);
    res.json(session);
  });

  app.post('/v1/refunds', (req, res) => {
    const intent = String(req.body.payment_intent ?? '');
    const session = [...sessions.values()].find((s) => s.payment_intent === intent);
    if (!session) return stripeError(res, 400, `No such payment_intent: '${intent}'`);
    if (refunds.some((r) => r.payment_intent === intent)) return stripeError(res, 400, `Charge for ${intent} has already been refunded.`);
    const refund = { id: id('re'), payment_intent: intent, amount: session.amount_total, idempotencyKey: req.headers['idempotency-key'] as string | undefined };
    refunds.push(refund);
    res.json({
      id: refund.id,
      object: 'refund',
      amount: refund.amount,
      currency: session.currency,
      payment_intent: intent,
      status: 'succeeded',
      metadata: req.body.metadata ?? {},
    });
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
    sessionRequests,
    refunds,
    requests,
    sessionFor,
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
    chargeRefunded(paymentId: string) {
      const session = sessionFor(paymentId);
      return event('charge.refunded', {
        id: id('ch'),
        object: 'charge',
        amount: session.amount_total,
        amount_refunded: session.amount_total,
        refunded: true,
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
