import { Router } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { readCart } from '../cart/read-cart.js';
import { applyCodeBody, codeIdParams, createCodeBody, updateCodeBody } from './schemas.js';
import { createCode, listCodes, updateCode } from './staff-codes.js';
import { applyCode, removeCode } from './discount-codes.js';
import { withDiscount } from './cart-discount.js';

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

/** The customer's code on the cart: applied only if it applies to the cart as it stands; the answer is the cart. */
export function cartDiscountRoutes({ db, config, guards }: RouteContext): Router {
  const router = Router();
  router.post('/api/cart/discount', guards.requireUser, async (req, res) => {
    const { code } = parse(applyCodeBody, req.body);
    const userId = req.user!.id;
    const cart = await readCart(db.pool, { userId }, config.STORE_CURRENCY);
    const applied = await applyCode(db.pool, userId, code, cart.lines);
    res.set('Cache-Control', 'private, no-cache').json(await withDiscount(db.pool, userId, { ...cart, discountCodeId: applied.codeId }));
  });
  router.delete('/api/cart/discount', guards.requireUser, async (req, res) => {
    await removeCode(db.pool, req.user!.id);
    res.status(204).end();
  });
  return router;
}
