import { z } from 'zod';

/** A bigger line is refused with 422 LINE_LIMIT_EXCEEDED. */
export const MAX_LINE_QUANTITY = 99;

// A JSON integer that fits the quantity column; anything else (string, fraction, 1e12) is a 400.
const quantity = z.number().int().max(2_147_483_647);

// variantId names what to add; productId still works for a product with one variant (clients
// written before variants existed). Exactly one of the two.
export const addItemBody = z
  .strictObject({ variantId: z.guid().optional(), productId: z.guid().optional(), quantity: quantity.min(1) })
  .refine((body) => (body.variantId === undefined) !== (body.productId === undefined), {
    path: ['variantId'],
    message: 'send either variantId or, for a product with one variant, productId',
  });
export const setItemBody = z.strictObject({ quantity: quantity.min(0) });
export const cartLineRef = z.object({ variantId: z.guid() });
