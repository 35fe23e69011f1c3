import { Router } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { readCart } from '../cart/read-cart.js';
import { shippingOptions } from './shipping-methods.js';
import { shippingOptionsQuery } from './schemas.js';

export function shippingRoutes({ db, config, guards }: RouteContext): Router {
  const router = Router();
  // Priced for the caller's cart; anonymous callers (no cart yet) see the prices of an empty one.
  router.get('/api/shipping-options', guards.optionalUser, async (req, res) => {
    const { country } = parse(shippingOptionsQuery, req.query);
    const subtotalMinor = req.user ? (await readCart(db.pool, { userId: req.user.id }, config.STORE_CURRENCY)).subtotalMinor : 0;
    res.set('Cache-Control', 'private, no-cache').json({ country, subtotalMinor, items: await shippingOptions(db.pool, country, subtotalMinor) });
  });
  return router;
}
