import { Router } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { codeIdParams, createCodeBody, updateCodeBody } from './schemas.js';
import { createCode, listCodes, updateCode } from './staff-codes.js';

// Staff's discount codes over REST: the same writes as the panel's resource.
export function staffDiscountRoutes({ db, guards }: RouteContext): Router {
  const router = Router();
  const { requireStaff } = guards;

  router.get('/api/admin/discount-codes', ...requireStaff, async (_req, res) => {
    res.set('Cache-Control', 'private, no-cache').json({ items: await listCodes(db.pool) });
  });
  router.post('/api/admin/discount-codes', ...requireStaff, async (req, res) => {
    const created = await createCode(db.pool, parse(createCodeBody, req.body ?? {}));
    res.status(201).location(`/api/admin/discount-codes/${created.id}`).json(created);
  });
  router.patch('/api/admin/discount-codes/:id', ...requireStaff, async (req, res) => {
    const { id } = parse(codeIdParams, req.params);
    res.json(await updateCode(db.pool, id, parse(updateCodeBody, req.body ?? {})));
  });
  return router;
}
