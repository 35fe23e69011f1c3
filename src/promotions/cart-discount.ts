import type { Queryable } from '../shared/db.js';
import { AppError } from '../shared/errors.js';
import type { Cart } from '../cart/read-cart.js';
import { cartDiscount } from './discount-codes.js';

export type CartDiscount = {
  code: string;
  type: 'percentage' | 'fixed_amount' | 'free_shipping';
  /** what it takes off the goods now (0 when it does not apply, or for free shipping) */
  amountMinor: number;
  /** why it does not apply to the cart as it stands (the code checkout would refuse with); null when it does */
  refusal: string | null;
};

export type DiscountedCart = Cart & {
  discount: CartDiscount | null;
  discountMinor: number;
  /** subtotal minus the discount: what shipping's free-over thresholds and tax look at */
  discountedSubtotalMinor: number;
  lines: (Cart['lines'][number] & { discountMinor: number })[];
};

/** The cart as the customer sees it: with its code's discount per line, or why the code no longer applies. */
export async function withDiscount(db: Queryable, userId: string | null, cart: Cart): Promise<DiscountedCart> {
  const noDiscount = { ...cart, lines: cart.lines.map((l) => ({ ...l, discountMinor: 0 })), discountMinor: 0, discountedSubtotalMinor: cart.subtotalMinor };
  if (userId === null) return { ...noDiscount, discount: null }; // a guest cart: codes are for customers
  const { rows } = await db.query<{ code: string; type: CartDiscount['type'] }>(
    `SELECT d.code, d.type FROM carts c JOIN discount_codes d ON d.id = c.discount_code_id WHERE c.user_id = $1`,
    [userId],
  );
  if (!rows.length) return { ...noDiscount, discount: null };
  try {
    const applied = await cartDiscount(db, userId, cart.lines);
    if (!applied) return { ...noDiscount, discount: null };
    return {
      ...cart,
      lines: cart.lines.map((l, i) => ({ ...l, discountMinor: applied.lineDiscountsMinor[i] })),
      discount: { code: applied.code, type: applied.type, amountMinor: applied.discountMinor, refusal: null },
      discountMinor: applied.discountMinor,
      discountedSubtotalMinor: cart.subtotalMinor - applied.discountMinor,
    };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { ...noDiscount, discount: { ...rows[0], amountMinor: 0, refusal: err.code } };
  }
}
