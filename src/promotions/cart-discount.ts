import type { Queryable } from '../shared/db.js';
import { AppError } from '../shared/errors.js';
import type { Cart } from '../cart/read-cart.js';
import { cartCodeId, discountFor } from './discount-codes.js';

export type CartDiscount = {
  code: string;
  type: 'percentage' | 'fixed_amount' | 'free_shipping';
  /** what it takes off the goods now (0 when it does not apply, or for free shipping) */
  amountMinor: number;
  /** why it does not apply to the cart as it stands (the code checkout would refuse with); null when it does */
  refusal: string | null;
};

export type DiscountedCart = Omit<Cart, 'discountCodeId' | 'lines'> & {
  discount: CartDiscount | null;
  discountMinor: number;
  /** subtotal minus the discount: what shipping's free-over thresholds and tax look at */
  discountedSubtotalMinor: number;
  lines: (Cart['lines'][number] & { discountMinor: number })[];
};

/** The cart as the customer sees it: with its code's discount per line, or why the code no longer applies. */
export async function withDiscount(db: Queryable, userId: string | null, cart: Cart): Promise<DiscountedCart> {
  const { discountCodeId, ...shown } = cart;
  const noDiscount = { ...shown, lines: cart.lines.map((l) => ({ ...l, discountMinor: 0 })), discountMinor: 0, discountedSubtotalMinor: cart.subtotalMinor };
  if (userId === null) return { ...noDiscount, discount: null }; // a guest cart: codes are for customers
  const codeId = await cartCodeId(db, userId, { lines: cart.lines, discountCodeId });
  if (!codeId) return { ...noDiscount, discount: null };
  try {
    const applied = await discountFor(db, { id: codeId }, userId, cart.lines);
    return {
      ...shown,
      lines: cart.lines.map((l, i) => ({ ...l, discountMinor: applied.lineDiscountsMinor[i] })),
      discount: { code: applied.code, type: applied.type, amountMinor: applied.discountMinor, refusal: null },
      discountMinor: applied.discountMinor,
      discountedSubtotalMinor: cart.subtotalMinor - applied.discountMinor,
    };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // The refusal path only: which code the customer holds, to show why it does not apply.
    const { rows } = await db.query<{ code: string; type: CartDiscount['type'] }>(`SELECT code, type FROM discount_codes WHERE id = $1`, [codeId]);
    return { ...noDiscount, discount: rows.length ? { ...rows[0], amountMinor: 0, refusal: err.code } : null };
  }
}
