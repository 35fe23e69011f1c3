import { z } from 'zod';

/** A bigger line is refused with 422 LINE_LIMIT_EXCEEDED. */
export const MAX_LINE_QUANTITY = 99;

// A JSON integer that fits the quantity column; anything else (string, fraction, 1e12) is a 400.
const quantity = z.number().int().max(2_147_483_647);

export const addItemBody = z.strictObject({ productId: z.guid(), quantity: quantity.min(1) });
export const setItemBody = z.strictObject({ quantity: quantity.min(0) });
export const cartLineRef = z.object({ productId: z.guid() });
