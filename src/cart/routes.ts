import type { Queryable } from '../shared/db.js';
import { Router, type Request, type Response } from 'express';
import type { RouteContext } from '../shared/route-context.js';
import { parse } from '../shared/validation.js';
import { addToCart, emptyCart, onlyVariantOf, removeLine, setLineQuantity } from './cart-lines.js';
import { addItemBody, cartLineRef, setItemBody } from './schemas.js';
import { readCart, type Cart } from './read-cart.js';

/** How the cart is shown: the composition root passes the promotions' view (with its discount code); cart does not import promotions. */
export type PresentCart = (db: Queryable, userId: string, cart: Cart) => Promise<Cart>;

export function cartRoutes({ db, config, guards }: RouteContext, present: PresentCart): Router {
  const router = Router();
  // Every answer but the deletes (204) is the whole cart as it stands after the change.
  const sendCart = async (req: Request, res: Response) => {
    const cart = await readCart(db.pool, req.user!.id, config.STORE_CURRENCY);
    res.set('Cache-Control', 'private, no-cache').json(await present(db.pool, req.user!.id, cart));
  };

  router.get('/api/cart', guards.requireUser, sendCart);
  router.delete('/api/cart', guards.requireUser, async (req, res) => {
    await emptyCart(db.pool, req.user!.id);
    res.status(204).end();
  });
  router.post('/api/cart/items', guards.requireUser, async (req, res) => {
    const item = parse(addItemBody, req.body);
    const variantId = item.variantId ?? (await onlyVariantOf(db.pool, item.productId!));
    await addToCart(db.pool, { userId: req.user!.id, variantId, quantity: item.quantity });
    await sendCart(req, res);
  });
  router.patch('/api/cart/items/:variantId', guards.requireUser, async (req, res) => {
    const { variantId } = parse(cartLineRef, req.params);
    const { quantity } = parse(setItemBody, req.body);
    await setLineQuantity(db.pool, { userId: req.user!.id, variantId, quantity });
    await sendCart(req, res);
  });
  router.delete('/api/cart/items/:variantId', guards.requireUser, async (req, res) => {
    const { variantId } = parse(cartLineRef, req.params);
    await removeLine(db.pool, req.user!.id, variantId);
    res.status(204).end();
  });
  return router;
}
