import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { inTransaction, type Queryable } from '../shared/db.js';
import { CartTokenInvalid, CartTokenUnknown } from './errors.js';
import { MAX_LINE_QUANTITY } from './schemas.js';

/** The header a guest cart's token travels in, both ways. */
export const CART_TOKEN_HEADER = 'X-Cart-Token';

// 32 random bytes in base64url: unguessable, and a shape checked before any query.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new guest cart's token; the cart row stores its hash only. */
export function newCartToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashOf(token) };
}

/** The hash of a token the client sent, refusing one this shop could not have made (400). */
export function hashCartToken(token: string): string {
  if (!TOKEN_SHAPE.test(token)) throw new CartTokenInvalid();
  return hashOf(token);
}

const ALIVE = `updated_at >= now() - $2 * interval '1 day'`;

/** Refuses (404 CART_TOKEN_UNKNOWN) a token whose guest cart is gone: never made, expired or merged. */
export async function assertGuestCart(db: Queryable, tokenHash: string, ttlDays: number): Promise<void> {
  const { rowCount } = await db.query(`SELECT 1 FROM carts WHERE token_hash = $1 AND ${ALIVE}`, [tokenHash, ttlDays]);
  if (!rowCount) throw new CartTokenUnknown();
}

/** Deletes guest carts unchanged for the TTL (their lines go with them); the count deleted. */
export async function deleteExpiredGuestCarts(db: Queryable, ttlDays: number): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM carts WHERE token_hash IS NOT NULL AND updated_at < now() - $1 * interval '1 day'`, [ttlDays]);
  return rowCount ?? 0;
}

/** Why a merged line holds less than the two carts together. */
export type MergeReason = 'INSUFFICIENT_STOCK' | 'LINE_LIMIT_EXCEEDED' | 'CART_FULL' | 'NOT_SOLD';
export type MergeAdjustment = { variantId: string; requested: number; quantity: number; reason: MergeReason };

type GuestLine = { variantId: string; guest: number; mine: number | null; stock: number; sold: boolean };

/**
 * Moves a guest cart into the customer's, in one transaction: the same variant's quantities are
 * summed, each line clamped to stock and to the per-line cap, a new line beyond maxLines left
 * out; the customer's own lines are never lowered. The guest cart is deleted, and locked first,
 * so of two merges of one token one wins and the other finds nothing (404 CART_TOKEN_UNKNOWN).
 * Answers every line that holds less than was asked for, and why.
 */
export async function mergeGuestCart(
  pool: pg.Pool,
  { userId, tokenHash, ttlDays, maxLines }: { userId: string; tokenHash: string; ttlDays: number; maxLines: number },
): Promise<MergeAdjustment[]> {
  return inTransaction(pool, async (tx) => {
    const guestCart = await tx.query<{ id: string }>(`SELECT id FROM carts WHERE token_hash = $1 AND ${ALIVE} FOR UPDATE`, [tokenHash, ttlDays]);
    if (!guestCart.rowCount) throw new CartTokenUnknown();
    const guestCartId = guestCart.rows[0].id;
    // The customer's cart row, locked like an add locks it, so adds during the merge wait for it.
    const mine = await tx.query<{ id: string; lines: number }>(
      `INSERT INTO carts (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET updated_at = now()
       RETURNING id, (SELECT count(*)::int FROM cart_items WHERE cart_id = carts.id) AS lines`,
      [userId],
    );
    const { id: cartId } = mine.rows[0];
    let lines = mine.rows[0].lines;
    const { rows } = await tx.query<GuestLine>(
      `SELECT gi.variant_id AS "variantId", gi.quantity AS guest, ci.quantity AS mine, v.stock, v.active AND p.active AS sold
         FROM cart_items gi
         JOIN product_variants v ON v.id = gi.variant_id
         JOIN products p ON p.id = v.product_id
         LEFT JOIN cart_items ci ON ci.cart_id = $2 AND ci.variant_id = gi.variant_id
        WHERE gi.cart_id = $1
        ORDER BY gi.added_at, gi.variant_id`,
      [guestCartId, cartId],
    );
    const adjustments: MergeAdjustment[] = [];
    const merged: { variantId: string; quantity: number }[] = [];
    for (const line of rows) {
      const had = line.mine ?? 0;
      const requested = had + line.guest;
      const reason = refusal(line, requested, lines, maxLines);
      const quantity = reason === 'CART_FULL' || reason === 'NOT_SOLD' ? had : Math.max(had, Math.min(requested, line.stock, MAX_LINE_QUANTITY));
      if (reason) adjustments.push({ variantId: line.variantId, requested, quantity, reason });
      if (quantity === had) continue;
      if (line.mine === null) lines += 1;
      merged.push({ variantId: line.variantId, quantity });
    }
    await tx.query(
      `INSERT INTO cart_items (cart_id, variant_id, quantity) SELECT $1, * FROM unnest($2::uuid[], $3::int[])
       ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity`,
      [cartId, merged.map((l) => l.variantId), merged.map((l) => l.quantity)],
    );
    await tx.query(`DELETE FROM carts WHERE id = $1`, [guestCartId]);
    return adjustments;
  });
}

function refusal(line: GuestLine, requested: number, lines: number, maxLines: number): MergeReason | null {
  if (!line.sold) return 'NOT_SOLD';
  if (line.mine === null && lines >= maxLines) return 'CART_FULL';
  if (requested > line.stock && line.stock < MAX_LINE_QUANTITY) return 'INSUFFICIENT_STOCK';
  if (requested > MAX_LINE_QUANTITY) return 'LINE_LIMIT_EXCEEDED';
  return null;
}
