import { z } from 'zod';

/** A bigger line is refused with 422 LINE_LIMIT_EXCEEDED. */
export const MAX_LINE_QUANTITY = 99;

// A JSON integer that fits the quantity column; anything else (string, fraction, 1e12) is a 400.
const quantity = z.number().int().max(2_147_483_647);

// variantId names what to add; productId still works for a product with one variant (clients
// written before variants existed).
export const addItemBody = z.union(
  [z.strictObject({ variantId: z.guid(), quantity: quantity.min(1) }), z.strictObject({ productId: z.guid(), quantity: quantity.min(1) })],
  { error: 'send {variantId, quantity} (or {productId, quantity} for a product with one variant)' },
);
export const setItemBody = z.strictObject({ quantity: quantity.min(0) });
export const cartLineRef = z.object({ variantId: z.guid() });
