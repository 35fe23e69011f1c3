import type { Queryable } from '../shared/db.js';
import { Conflict } from '../shared/errors.js';

export type StockLine = { productId: string; quantity: number };
export type ShortLine = { productId: string; requested: number; available: number };

export class InsufficientStock extends Conflict {
  constructor(readonly lines: ShortLine[]) {
    super('INSUFFICIENT_STOCK', `Not enough stock for ${lines.length} line(s)`, { lines });
  }
}

/** Sums quantities per product, ordered by product id: every caller locks rows in that order. */
function byProduct(lines: StockLine[]): StockLine[] {
  const totals = new Map<string, number>();
  for (const { productId, quantity } of lines) totals.set(productId, (totals.get(productId) ?? 0) + quantity);
  return [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([productId, quantity]) => ({ productId, quantity }));
}

// Stock writers lock product rows FOR NO KEY UPDATE (what an UPDATE of the stock column takes
// anyway), not FOR UPDATE: they still exclude each other, but do not block the key-share locks
// that inserting a cart line or an order line referencing the product takes.

/**
 * Takes stock for every line or for none: locks the products in id order (two carts can
 * never deadlock), and throws InsufficientStock listing each short line with what is left.
 * Inactive products count as having nothing available. Call inside a transaction.
 */
export async function takeStock(tx: Queryable, lines: StockLine[]): Promise<void> {
  const wanted = byProduct(lines);
  const ids = wanted.map((l) => l.productId);
  const { rows } = await tx.query<{ id: string; stock: number; active: boolean }>(
    `SELECT id, stock, active FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
    [ids],
  );
  const available = new Map(rows.map((r) => [r.id, r.active ? r.stock : 0]));
  const short = wanted
    .map((l) => ({ productId: l.productId, requested: l.quantity, available: available.get(l.productId) ?? 0 }))
    .filter((l) => l.available < l.requested);
  if (short.length) throw new InsufficientStock(short);
  await tx.query(
    `UPDATE products p SET stock = p.stock - w.quantity, updated_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS w(id, quantity) WHERE p.id = w.id`,
    [ids, wanted.map((l) => l.quantity)],
  );
}

/** Puts stock back (cancel, expiry, refund before shipping), locking in the same id order. */
export async function restoreStock(tx: Queryable, lines: StockLine[]): Promise<void> {
  const wanted = byProduct(lines);
  if (!wanted.length) return;
  const ids = wanted.map((l) => l.productId);
  await tx.query(`SELECT id FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, [ids]);
  await tx.query(
    `UPDATE products p SET stock = p.stock + w.quantity, updated_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS w(id, quantity) WHERE p.id = w.id`,
    [ids, wanted.map((l) => l.quantity)],
  );
}
