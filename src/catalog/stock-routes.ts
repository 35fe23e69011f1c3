import { Router } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { adjustStock, decodeMovementCursor, listStockMovements } from './stock-adjustments.js';
import { stockAdjustmentBody, stockMovementsQuery, variantIdParams } from './stock-schemas.js';

// Staff's stock over REST: the same adjustments and history as the panel's variant page.
export function staffStockRoutes({ db, guards }: RouteContext): Router {
  const router = Router();
  const { requireStaff } = guards;

  router.post('/api/admin/variants/:id/stock-adjustments', ...requireStaff, async (req, res) => {
    const { id } = parse(variantIdParams, req.params);
    const adjustment = parse(stockAdjustmentBody, req.body ?? {});
    res.status(201).json(await adjustStock(db.pool, id, req.user!.id, adjustment));
  });

  router.get('/api/admin/variants/:id/stock-movements', ...requireStaff, async (req, res) => {
    const { id } = parse(variantIdParams, req.params);
    const { limit, cursor } = parse(stockMovementsQuery, req.query);
    res.set('Cache-Control', 'private, no-cache').json(await listStockMovements(db.pool, id, { limit, before: decodeMovementCursor(cursor) }));
  });

  return router;
}
