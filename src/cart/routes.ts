import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Queryable } from '../shared/db.js';
import type { RouteContext } from '../shared/route-context.js';
import { limitRequests } from '../shared/rate-limit.js';
import { parse } from '../shared/validation.js';
import { addToCart, emptyCart, onlyVariantOf, removeLine, setLineQuantity } from './cart-lines.js';
import { CartTokenInvalid, CartTokenUnknown } from './errors.js';
import { assertGuestCart, CART_TOKEN_HEADER, hashCartToken, mergeGuestCart, newCartToken, type MergeAdjustment } from './guest-carts.js';
import type { CartOwner } from './owner.js';
import { readCart, type Cart } from './read-cart.js';
import { addItemBody, cartLineRef, setItemBody } from './schemas.js';

const mergeBody = z.strictObject({ cartToken: z.string().max(200).optional() });

/** What a cart request works on, and what its answer adds to the cart. */
type Resolved = { owner: CartOwner; cartToken?: string; mergeAdjustments?: MergeAdjustment[] };

// The cart routes serve a customer (a session) and a guest (an X-Cart-Token, or none yet: the
// first add makes the guest cart and answers its token). A customer's request carrying a
// token first merges that guest cart into theirs.
/**
 * How the cart is shown: the composition root passes the promotions' view (with its discount
 * code, for a customer's cart; a guest cart has none); cart does not import promotions.
 */
export type PresentCart = (db: Queryable, userId: string | null, cart: Cart) => Promise<Omit<Cart, 'discountCodeId'>>;

export function cartRoutes({ db, config, logger, guards }: RouteContext, present: PresentCart): Router {
  const router = Router();
  // A guest sends no Authorization at all; one that is not a valid session is a 401, so a
  // customer whose session lapsed signs in again rather than seeing an empty guest cart.
  const caller: RequestHandler = (req, res, next) => (req.get('Authorization') === undefined ? guards.optionalUser : guards.requireUser)(req, res, next);
  const merge = (userId: string, tokenHash: string) =>
    mergeGuestCart(db.pool, { userId, tokenHash, ttlDays: config.GUEST_CART_TTL_DAYS, maxLines: config.CART_MAX_LINES });

  const resolve = async (req: Request): Promise<Resolved> => {
    const token = req.get(CART_TOKEN_HEADER);
    const tokenHash = token === undefined ? undefined : hashCartToken(token);
    if (req.user) {
      const owner = { userId: req.user.id };
      if (tokenHash === undefined) return { owner };
      // A token already merged (another tab, a retry) is no reason to refuse the customer's request.
      const mergeAdjustments = await merge(req.user.id, tokenHash).catch((err: unknown) => {
        if (err instanceof CartTokenUnknown) return undefined;
        throw err;
      });
      return { owner, mergeAdjustments };
    }
    if (tokenHash === undefined) {
      const fresh = newCartToken();
      return { owner: { tokenHash: fresh.tokenHash, isNew: true }, cartToken: fresh.token };
    }
    await assertGuestCart(db.pool, tokenHash, config.GUEST_CART_TTL_DAYS);
    return { owner: { tokenHash, isNew: false } };
  };

  // Every answer but the deletes (204) is the whole cart as it stands after the change; a new
  // guest cart's token only once the cart exists (a refused first add makes none).
  const sendCart = async (res: Response, { owner, cartToken, mergeAdjustments }: Resolved, made = false) => {
    const cart = await present(db.pool, 'userId' in owner ? owner.userId : null, await readCart(db.pool, owner, config.STORE_CURRENCY));
    const token = made ? cartToken : undefined;
    if (token) res.set(CART_TOKEN_HEADER, token);
    res.set('Cache-Control', 'private, no-cache').json({ ...cart, ...(token ? { cartToken: token } : {}), ...(mergeAdjustments ? { mergeAdjustments } : {}) });
  };

  // Starting a guest cart is limited per IP; customers and guests with a token are not counted.
  const limitNewGuestCarts = limitRequests(db.pool, 'guest-carts', config.GUEST_CARTS_PER_IP_PER_WINDOW, config.RATE_LIMIT_WINDOW_SECONDS, {
    logger,
    skip: (req) => Boolean(req.user) || req.get(CART_TOKEN_HEADER) !== undefined,
  });

  router.get('/api/cart', caller, async (req, res) => sendCart(res, await resolve(req)));
  router.delete('/api/cart', caller, async (req, res) => {
    await emptyCart(db.pool, (await resolve(req)).owner);
    res.status(204).end();
  });
  router.post('/api/cart/items', caller, limitNewGuestCarts, async (req, res) => {
    const item = parse(addItemBody, req.body);
    const resolved = await resolve(req);
    const variantId = item.variantId ?? (await onlyVariantOf(db.pool, item.productId!));
    await addToCart(db.pool, { owner: resolved.owner, variantId, quantity: item.quantity }, config.CART_MAX_LINES);
    await sendCart(res, resolved, true);
  });
  router.patch('/api/cart/items/:variantId', caller, async (req, res) => {
    const { variantId } = parse(cartLineRef, req.params);
    const { quantity } = parse(setItemBody, req.body);
    const resolved = await resolve(req);
    await setLineQuantity(db.pool, { owner: resolved.owner, variantId, quantity });
    await sendCart(res, resolved);
  });
  router.delete('/api/cart/items/:variantId', caller, async (req, res) => {
    const { variantId } = parse(cartLineRef, req.params);
    await removeLine(db.pool, (await resolve(req)).owner, variantId);
    res.status(204).end();
  });
  // The explicit merge after sign-in: the token in the body or the header; a token already
  // merged, expired or never made is a 404 (CART_TOKEN_UNKNOWN), so it serves once.
  router.post('/api/cart/merge', guards.requireUser, async (req, res) => {
    const token = parse(mergeBody, req.body ?? {}).cartToken ?? req.get(CART_TOKEN_HEADER);
    if (token === undefined) throw new CartTokenInvalid();
    const owner = { userId: req.user!.id };
    const mergeAdjustments = await merge(owner.userId, hashCartToken(token));
    await sendCart(res, { owner, mergeAdjustments });
  });
  return router;
}
