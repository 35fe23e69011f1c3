import { Router } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { checkout, quote } from './checkout.js';
import { resolveDelivery } from './delivery.js';
import { cancelUnpaidOrder } from './customer-actions.js';
import { decodeCursor } from './cursor.js';
import { fingerprint, runIdempotently } from './idempotency.js';
import { listCustomerOrders, readOrder } from './order-views.js';
import { checkoutBody, idempotencyKey, orderIdParams, orderListQuery } from './schemas.js';

export function orderRoutes({ db, config, guards }: RouteContext): Router {
  const router = Router();
  const { requireUser } = guards;

  router.post('/api/checkout', requireUser, async (req, res) => {
    const body = parse(checkoutBody, req.body ?? {});
    const key = req.get('Idempotency-Key');
    const userId = req.user!.id;
    const keyed = key === undefined ? undefined : { userId, key: parse(idempotencyKey, key), fingerprint: fingerprint('POST /api/checkout', body) };
    const delivery = await resolveDelivery(db.pool, { userId, email: req.user!.email }, body);
    const answer = await runIdempotently(db.pool, keyed, async (tx) => {
      const order = await checkout(tx, {
        userId,
        currency: config.STORE_CURRENCY,
        ttlMinutes: config.ORDER_TTL_MINUTES,
        delivery,
        expectedTotalMinor: body.expectedTotalMinor,
      });
      return { status: 201, body: order, orderId: order.id };
    });
    if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(answer.status).location(`/api/orders/${answer.body.id}`).json(answer.body);
  });

  router.post('/api/checkout/quote', requireUser, async (req, res) => {
    const body = parse(checkoutBody, req.body ?? {});
    const userId = req.user!.id;
    const delivery = await resolveDelivery(db.pool, { userId, email: req.user!.email }, body);
    const { pricing } = await quote(db.pool, { userId, currency: config.STORE_CURRENCY, delivery });
    res.json(pricing);
  });

  router.get('/api/orders', requireUser, async (req, res) => {
    const query = parse(orderListQuery, req.query);
    res.json(await listCustomerOrders(db.pool, req.user!.id, { limit: query.limit, after: decodeCursor(query.cursor) }));
  });

  router.get('/api/orders/:id', requireUser, async (req, res) => {
    const { id } = parse(orderIdParams, req.params);
    res.json(await readOrder(db.pool, id, { audience: 'customer', userId: req.user!.id }));
  });

  router.post('/api/orders/:id/cancel', requireUser, async (req, res) => {
    const { id } = parse(orderIdParams, req.params);
    await cancelUnpaidOrder(db.pool, id, req.user!.id);
    res.json(await readOrder(db.pool, id, { audience: 'customer', userId: req.user!.id }));
  });

  return router;
}
