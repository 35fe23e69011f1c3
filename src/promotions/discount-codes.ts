import type { Queryable, Tx } from '../shared/db.js';
import type { Cart } from '../cart/read-cart.js';
import { lineDiscounts, type DiscountKind } from './discount-math.js';
import { DiscountAlreadyUsed, DiscountExhausted, DiscountRefused } from './errors.js';

// A code applied to a cart: whether it applies now (the rules, in the order a buyer fixes them),
// and what it takes off each line. The cart, the quote and checkout all ask here, so they agree.

/** What a discount needs to know of a cart line (promotions sees carts through this alone). */
export type DiscountableLine = { productId: string; lineTotalMinor: number };

export type AppliedDiscount = {
  codeId: string;
  code: string;
  type: DiscountKind;
  /** per cart line, in the cart's order; 0 on lines the code does not cover */
  lineDiscountsMinor: number[];
  /** the sum of lineDiscountsMinor: what comes off the goods */
  discountMinor: number;
  freeShipping: boolean;
};

type CodeState = {
  id: string;
  code: string;
  type: DiscountKind;
  value: number;
  active: boolean;
  notStarted: boolean;
  ended: boolean;
  usedUp: boolean;
  usedByCustomer: boolean;
  minSubtotalMinor: number;
  eligibleProductIds: string[];
};

/** The code's state now for this customer and these products, in one query; by its text (any case) or its id. */
async function codeState(db: Queryable, ref: { code: string } | { id: string }, userId: string, productIds: string[]): Promise<CodeState | undefined> {
  const { rows } = await db.query<CodeState>(
    `SELECT d.id, d.code, d.type, d.value, d.active, d.min_subtotal_minor AS "minSubtotalMinor",
            coalesce(d.starts_at > now(), false) AS "notStarted", coalesce(d.ends_at <= now(), false) AS "ended",
            coalesce(d.used_count >= d.usage_limit, false) AS "usedUp",
            coalesce((SELECT count(*) FROM discount_code_uses u
                       WHERE u.discount_code_id = d.id AND u.user_id = $2 AND u.released_at IS NULL) >= d.per_customer_limit, false) AS "usedByCustomer",
            ARRAY(SELECT p.id FROM products p
                   WHERE p.id = ANY($3::uuid[])
                     AND ((cardinality(d.product_ids) = 0 AND cardinality(d.category_ids) = 0)
                          OR p.id = ANY(d.product_ids) OR p.category_id = ANY(d.category_ids))) AS "eligibleProductIds"
       FROM discount_codes d
      WHERE ${'id' in ref ? 'd.id = $1::uuid' : 'lower(d.code) = lower($1)'}`,
    ['id' in ref ? ref.id : ref.code, userId, productIds],
  );
  return rows[0];
}

/**
 * The discount `ref` gives this customer's lines, or the refusal (thrown) that says why it gives
 * none: unknown, inactive, not started, ended, used up, used by this customer, minimum not
 * reached, nothing eligible.
 */
export async function discountFor(db: Queryable, ref: { code: string } | { id: string }, userId: string, lines: DiscountableLine[]): Promise<AppliedDiscount> {
  const state = await codeState(
    db,
    ref,
    userId,
    lines.map((l) => l.productId),
  );
  if (!state) throw new DiscountRefused('DISCOUNT_CODE_UNKNOWN');
  if (!state.active) throw new DiscountRefused('DISCOUNT_INACTIVE');
  if (state.notStarted) throw new DiscountRefused('DISCOUNT_NOT_STARTED');
  if (state.ended) throw new DiscountRefused('DISCOUNT_ENDED');
  if (state.usedUp) throw new DiscountExhausted();
  if (state.usedByCustomer) throw new DiscountAlreadyUsed();
  const subtotalMinor = lines.reduce((sum, l) => sum + l.lineTotalMinor, 0);
  if (subtotalMinor < state.minSubtotalMinor) throw new DiscountRefused('DISCOUNT_MINIMUM_NOT_REACHED', { minSubtotalMinor: state.minSubtotalMinor });
  const eligible = lines.map((l) => state.eligibleProductIds.includes(l.productId));
  if (!eligible.some(Boolean)) throw new DiscountRefused('DISCOUNT_NOT_APPLICABLE');
  const perLine = lineDiscounts(
    state.type,
    state.value,
    lines.map((l) => l.lineTotalMinor),
    eligible,
  );
  return {
    codeId: state.id,
    code: state.code,
    type: state.type,
    lineDiscountsMinor: perLine,
    discountMinor: perLine.reduce((a, b) => a + b, 0),
    freeShipping: state.type === 'free_shipping',
  };
}

/** The id of the code applied to the customer's cart, if any. */
async function appliedCodeId(db: Queryable, userId: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string | null }>(`SELECT discount_code_id AS id FROM carts WHERE user_id = $1`, [userId]);
  return rows[0]?.id ?? null;
}

/** The code applied to the cart: read with its lines, else (a cart without lines) on its own. */
export const cartCodeId = (db: Queryable, userId: string, cart: Pick<Cart, 'lines' | 'discountCodeId'>): Promise<string | null> =>
  cart.lines.length ? Promise.resolve(cart.discountCodeId) : appliedCodeId(db, userId);

/** The discount of the code applied to the cart (refusing if it no longer applies), or null without one. */
export async function cartDiscount(db: Queryable, userId: string, cart: Pick<Cart, 'lines' | 'discountCodeId'>): Promise<AppliedDiscount | null> {
  const id = await cartCodeId(db, userId, cart);
  return id ? discountFor(db, { id }, userId, cart.lines) : null;
}

/** Applies the code to the customer's cart if it applies to the cart as it stands; returns what it gives. */
export async function applyCode(db: Queryable, userId: string, code: string, lines: DiscountableLine[]): Promise<AppliedDiscount> {
  const discount = await discountFor(db, { code }, userId, lines);
  await db.query(
    `INSERT INTO carts (user_id, discount_code_id) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET discount_code_id = EXCLUDED.discount_code_id, updated_at = now()`,
    [userId, discount.codeId],
  );
  return discount;
}

export async function removeCode(db: Queryable, userId: string): Promise<void> {
  await db.query(`UPDATE carts SET discount_code_id = NULL, updated_at = now() WHERE user_id = $1`, [userId]);
}

/**
 * Counts the order's use of the code, in checkout's transaction. The conditional update takes
 * the last uses one at a time (it locks the code's row and re-checks the limit on the row the
 * previous buyer left), so N racing buyers for the last K uses get exactly K; the row lock also
 * orders the per-customer count (a fresh statement, so it sees the uses committed before the
 * lock was granted): one customer checking out twice at once uses the code once.
 */
export async function recordUse(tx: Tx, discount: AppliedDiscount, orderId: string, userId: string): Promise<void> {
  const taken = await tx.query(
    `UPDATE discount_codes SET used_count = used_count + 1, updated_at = now()
      WHERE id = $1 AND (usage_limit IS NULL OR used_count < usage_limit) RETURNING id`,
    [discount.codeId],
  );
  if (taken.rowCount !== 1) throw new DiscountExhausted();
  const { rows } = await tx.query<{ overLimit: boolean }>(
    `SELECT coalesce((SELECT count(*) FROM discount_code_uses WHERE discount_code_id = d.id AND user_id = $2 AND released_at IS NULL) >= d.per_customer_limit, false) AS "overLimit"
       FROM discount_codes d WHERE d.id = $1`,
    [discount.codeId, userId],
  );
  if (rows[0].overLimit) throw new DiscountAlreadyUsed();
  await tx.query(`INSERT INTO discount_code_uses (order_id, discount_code_id, user_id) VALUES ($1, $2, $3)`, [orderId, discount.codeId, userId]);
}

/**
 * Gives the order's use back to its code (the order let go of it unpaid). Conditional on the use
 * not being released yet, so an expiry racing a cancel gives it back once.
 */
export async function releaseUse(tx: Tx, orderId: string): Promise<void> {
  await tx.query(
    `WITH released AS (
       UPDATE discount_code_uses SET released_at = now() WHERE order_id = $1 AND released_at IS NULL RETURNING discount_code_id
     )
     UPDATE discount_codes d SET used_count = d.used_count - 1, updated_at = now() FROM released WHERE d.id = released.discount_code_id`,
    [orderId],
  );
}
