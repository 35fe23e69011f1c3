import { Router } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { decodeCursor } from './cursor.js';
import { listOrdersForStaff, readOrder } from './order-views.js';
import { deliverBody, orderIdParams, returnBody, shipBody, staffCancelBody, staffOrderListQuery } from './schemas.js';
import { cancelOrderByStaff, deliverOrder, returnOrder, shipOrder, type RefundOrder } from './staff-actions.js';

// Staff order routes: the same actions the admin panel calls (staff-actions.ts).
/** `refundOrder`: the payments module's staff refund, which a cancel of a paid order calls. */
export function staffOrderRoutes({ db, guards }: RouteContext, refundOrder: RefundOrder): Router {
  const router = Router();
  const { requireStaff } = guards;
  const staffView = (id: string) => readOrder(db.pool, id, { audience: 'staff' });

  router.get('/api/admin/orders', ...requireStaff, async (req, res) => {
    const { limit, cursor, ...filter } = parse(staffOrderListQuery, req.query);
    res.json(await listOrdersForStaff(db.pool, filter, { limit, after: decodeCursor(cursor) }));
  });

  router.post('/api/admin/orders/:id/ship', ...requireStaff, async (req, res) => {
    const { id } = parse(orderIdParams, req.params);
    const shipping = parse(shipBody, req.body ?? {});
    await shipOrder(db.pool, id, req.user!.id, shipping);
    res.json(await staffView(id));
  });

  router.post('/api/admin/orders/:id/deliver', ...requireStaff, async (req, res) => {
    const { id } = parse(orderIdParams, req.params);
    const { cashCollectedMinor } = parse(deliverBody, req.body ?? {});
    await deliverOrder(db.pool, id, req.user!.id, cashCollectedMinor);
    res.json(await staffView(id));
  });

  router.post('/api/admin/orders/:id/return', ...requireStaff, async (req, res) => {
    const { id } = parse(orderIdParams, req.params);
    const { reason } = parse(returnBody, req.body ?? {});
    await returnOrder(db.pool, id, req.user!.id, reason);
    res.json(await staffView(id));
  });

  router.post('/api/admin/orders/:id/cancel', ...requireStaff, async (req, res) => {
    const { id } = parse(orderIdParams, req.params);
    const { reason } = parse(staffCancelBody, req.body ?? {});
    await cancelOrderByStaff(db.pool, refundOrder, id, req.user!.id, reason);
    res.json(await staffView(id));
  });

  return router;
}
