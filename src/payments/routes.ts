import express, { Router, type Request } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { AppError, NotFound } from '../shared/errors.js';
import { parse } from '../shared/validation.js';
import { ProviderNotEnabled } from './errors.js';
import { MOCK_PAGE_ORDER, mockGatewayPage, mockGatewayPolicy, type MockPageOrder } from './mock-gateway-page.js';
import { PAYMENT_COLUMNS, UUID, type PaymentRow } from './payment-row.js';
import { processGatewayEvent } from './pipeline.js';
import type { GatewayEvent, PaymentProvider } from './providers/provider.js';
import { providerId } from './providers/provider.js';
import { storefrontUrl, type Providers, type StorefrontOutcome } from './providers/registry.js';
import { refundOrder, type PaymentDeps, type RefundRow } from './refunds.js';
import { paymentResultPage, PAYMENT_RESULT_POLICY, readPaymentResult } from './payment-result-page.js';
import { idParams, paymentResultQuery, refundBody, sslcommerzReturnParams, startPaymentBody } from './schemas.js';
import { startPayment } from './start-payment.js';

const paymentView = (p: PaymentRow) => ({
  id: p.id,
  orderId: p.orderId,
  status: p.status,
  provider: providerId(p.provider),
  amountMinor: p.amountMinor,
  refundedMinor: p.refundedMinor,
  currency: p.currency,
  redirectUrl: p.redirectUrl,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/** As the staff order view shows it (OrderRefund). */
const refundView = (r: RefundRow) => ({
  id: r.id,
  paymentId: r.paymentId,
  status: r.status,
  amountMinor: r.amountMinor,
  currency: r.currency,
  lines: r.lines,
  restock: r.restock,
  actor: r.actor,
  providerRefundId: r.providerRefundId,
  failureReason: r.failureReason,
  createdAt: r.createdAt,
  succeededAt: r.succeededAt,
});

function depsFor(ctx: RouteContext, providers: Providers): PaymentDeps {
  return { pool: ctx.db.pool, providers, logger: ctx.logger };
}

/** Verifies a gateway message and runs it through the pipeline; null when it is not one we act on. */
async function receive(deps: PaymentDeps, provider: PaymentProvider, req: Request) {
  try {
    const event: GatewayEvent | null = await provider.verify({
      rawBody: Buffer.isBuffer(req.body) ? req.body : undefined,
      form: req.body,
      headers: req.headers,
    });
    if (!event) return { event, outcome: 'unhandled' as const, paymentId: null };
    const result = await processGatewayEvent({ ...deps, logger: req.log }, event);
    req.log.info({ provider: provider.id, eventType: event.type, paymentId: result.paymentId, outcome: result.outcome }, 'gateway event');
    return { event, ...result };
  } catch (err) {
    // A refused message is either an attack or a gateway/configuration fault: worth a line.
    if (err instanceof AppError) req.log.warn({ provider: provider.id, code: err.code, detail: err.detail }, 'gateway message refused');
    throw err;
  }
}

/**
 * What gateways and the buyer's browser call without a session: signed webhooks, IPN,
 * callbacks, browser returns and the mock gateway's page. Mounted before the session check
 * (which would answer a page load with Clerk's handshake redirect) and before the shared body
 * parsers: each route parses its own body, the Stripe webhook keeps it raw for the signature.
 */
export function paymentGatewayRoutes(ctx: RouteContext, providers: Providers): Router {
  const deps = depsFor(ctx, providers);
  const { config, db } = ctx;
  const form = express.urlencoded({ extended: false, limit: config.BODY_LIMIT });
  const router = Router();

  router.post('/api/payments/stripe/webhook', express.raw({ type: 'application/json', limit: config.BODY_LIMIT }), async (req, res) => {
    const { outcome } = await receive(deps, deps.providers.get('stripe'), req);
    res.json({ received: true, outcome });
  });

  router.post('/api/payments/sslcommerz/ipn', form, async (req, res) => {
    const { outcome } = await receive(deps, deps.providers.get('sslcommerz'), req);
    res.json({ received: true, outcome });
  });

  // The buyer's browser, sent back by SSLCommerz. It never marks anything paid by itself: a
  // success return goes through the same verification and validation as the IPN (whichever
  // comes first records the payment), and the storefront polls the payment's status.
  router.post('/api/payments/sslcommerz/return/:outcome', form, async (req, res) => {
    const { outcome } = parse(sslcommerzReturnParams, req.params);
    const gateway = deps.providers.get('sslcommerz');
    if (outcome === 'success') {
      await receive(deps, gateway, req).catch((err) => {
        if (!(err instanceof AppError)) req.log.error({ err }, 'SSLCommerz success return failed'); // refusals are logged by receive
      });
    }
    const tranId = typeof req.body?.tran_id === 'string' && UUID.test(req.body.tran_id) ? req.body.tran_id : undefined;
    res.redirect(303, storefrontUrl(config, outcome, tranId));
  });

  router.get('/mock-gateway/:paymentId', async (req, res) => {
    const mock = deps.providers.mock;
    if (!mock) throw new ProviderNotEnabled('mock');
    const paymentId = req.params.paymentId;
    const { rows } = UUID.test(paymentId)
      ? await db.pool.query<PaymentRow & { order: MockPageOrder }>(
          `SELECT ${PAYMENT_COLUMNS}, ${MOCK_PAGE_ORDER} AS "order" FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.id = $1 AND p.provider = 'MOCK'`,
          [paymentId],
        )
      : { rows: [] };
    if (!rows.length) throw new NotFound('Payment');
    res.setHeader('Content-Security-Policy', mockGatewayPolicy(config));
    res.type('html').send(mockGatewayPage(mock, rows[0]));
  });

  // Where buyers return from a gateway unless STOREFRONT_*_URL name a storefront's pages: the
  // payment as the database has it, whatever the return URL says.
  router.get('/payment-result', async (req, res) => {
    const { paymentId } = parse(paymentResultQuery, req.query);
    const result = await readPaymentResult(db.pool, paymentId);
    res.setHeader('Content-Security-Policy', PAYMENT_RESULT_POLICY);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(paymentResultPage(result));
  });

  router.post('/api/payments/mock/callback', form, async (req, res) => {
    const mock = deps.providers.mock;
    if (!mock) throw new ProviderNotEnabled('mock');
    const { event } = await receive(deps, mock, req);
    const landing: Record<string, StorefrontOutcome> = { paid: 'success', failed: 'fail', cancelled: 'cancel' };
    res.redirect(303, storefrontUrl(config, landing[event!.kind], 'id' in event!.payment ? event!.payment.id : undefined));
  });

  return router;
}

export function paymentRoutes(ctx: RouteContext, providers: Providers): Router {
  const deps = depsFor(ctx, providers);
  const { db, guards } = ctx;
  const router = Router();

  router.get('/api/payments/providers', (_req, res) => {
    res.json({ providers: deps.providers.enabled.map((p) => ({ id: p.id, label: p.label })) });
  });

  router.post('/api/orders/:id/payments', guards.requireUser, async (req, res) => {
    const { id } = parse(idParams, req.params);
    const { provider } = parse(startPaymentBody, req.body);
    const payment = await startPayment(deps, { orderId: id, userId: req.user!.id, provider });
    res.status(201).location(`/api/payments/${payment.id}`).json(paymentView(payment));
  });

  router.get('/api/payments/:id', guards.requireUser, async (req, res) => {
    const { id } = parse(idParams, req.params);
    const { rows } = await db.pool.query<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.id = $1 AND o.user_id = $2`,
      [id, req.user!.id],
    );
    if (!rows.length) throw new NotFound('Payment');
    res.json(paymentView(rows[0]));
  });

  router.post('/api/admin/orders/:id/refund', ...guards.requireStaff, async (req, res) => {
    const { id } = parse(idParams, req.params);
    const request = parse(refundBody, req.body ?? {});
    const made = await refundOrder({ ...deps, logger: req.log }, id, req.user!.id, request);
    res.json({
      orderId: made.orderId,
      orderStatus: made.orderStatus,
      refundRef: made.refund.providerRefundId,
      refund: refundView(made.refund),
      payment: paymentView(made.payment),
    });
  });

  return router;
}
