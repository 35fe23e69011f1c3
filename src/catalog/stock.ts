import type { Queryable } from '../shared/db.js';
import { Conflict } from '../shared/errors.js';

/**
 * The outbox topic (src/jobs/outbox.ts) of a variant whose stock falls to or below the store's
 * low-stock threshold: `{ variantId, productId, stock, threshold }`, written by the stock change's
 * own transaction.
 */
export const PRODUCT_STOCK_LOW = 'product.stock_low';
export type ProductStockLow = { variantId: string; productId: string; stock: number; threshold: number };

export type StockLine = { variantId: string; quantity: number };

/** The store's low-stock threshold, as SQL: a variant without its own (low_stock_threshold) has this one. */
export const STORE_LOW_STOCK_THRESHOLD = `coalesce((SELECT low_stock_threshold FROM store_settings), 5)`;

/**
 * Why stock moved: the stock ledger's reasons (the stock_movements CHECK). `initial` is a new
 * variant's stock; `received`, `damaged` and `count_correction` are staff adjustments;
 * `unattributed` is a change made outside the app (the database records it anyway).
 */
export const STOCK_REASONS = [
  'initial',
  'checkout',
  'expiry',
  'cancel',
  'refund_restock',
  'late_payment_retake',
  'cod_return',
  'received',
  'damaged',
  'count_correction',
  'import',
  'unattributed',
] as const;
export type StockReason = (typeof STOCK_REASONS)[number];
/** The reasons staff give when they adjust stock by hand. */
export const STAFF_STOCK_REASONS = ['received', 'damaged', 'count_correction'] as const satisfies readonly StockReason[];

/** What the ledger records with a stock change besides the numbers: why, who, and for which order. */
export type StockMovement = { reason: StockReason; actor: string; orderId?: string; note?: string };

// The ledger rows are written by triggers on product_variants (migration
// 20261206000000_stock_ledger_and_audit), so no stock change can miss one. The writer names the
// movement in a transaction-local setting the triggers read. It is set by a CTE that the stock
// UPDATE joins, so it costs no extra statement: the CTE runs before the UPDATE's first row, and
// AFTER STATEMENT triggers run after its last.
/** The transaction-local setting the ledger's triggers read, and its value for a movement. */
export const STOCK_MOVEMENT_SETTING = 'shop.stock_movement';
export const stockMovementJson = (movement: StockMovement) => JSON.stringify(movement);
const MOVEMENT_CONTEXT = (param: string) => `movement AS MATERIALIZED (SELECT set_config('${STOCK_MOVEMENT_SETTING}', ${param}::text, true))`;
export type ShortLine = { variantId: string; productId: string | null; requested: number; available: number };

export class InsufficientStock extends Conflict {
  constructor(readonly lines: ShortLine[]) {
    super('INSUFFICIENT_STOCK', `Not enough stock for ${lines.length} line(s)`, { lines });
  }
}

/** Sums quantities per variant, ordered by variant id: every caller locks rows in that order. */
function byVariant(lines: StockLine[]): StockLine[] {
  const totals = new Map<string, number>();
  for (const { variantId, quantity } of lines) totals.set(variantId, (totals.get(variantId) ?? 0) + quantity);
  return [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([variantId, quantity]) => ({ variantId, quantity }));
}

// Stock lives on the variant. Stock writers lock variant rows FOR NO KEY UPDATE (what an UPDATE
// of the stock column takes anyway), not FOR UPDATE: they still exclude each other, but do not
// block the key-share locks that inserting a cart line or an order line referencing it takes.
// The product row is never locked: a stock-only UPDATE does not fire the summary triggers.

/**
 * Takes stock for every line or for none: locks the variants in id order (two carts can never
 * deadlock), and throws InsufficientStock listing each short line with what is left. An
 * inactive variant, or a variant of an inactive product, has nothing available. Call inside a
 * transaction.
 */
export async function takeStock(tx: Queryable, lines: StockLine[], movement: StockMovement): Promise<void> {
  const wanted = byVariant(lines);
  const ids = wanted.map((l) => l.variantId);
  const { rows } = await tx.query<{ id: string; productId: string; stock: number; sellable: boolean }>(
    `SELECT v.id, v.product_id AS "productId", v.stock, v.active AND p.active AS sellable
       FROM product_variants v JOIN products p ON p.id = v.product_id
      WHERE v.id = ANY($1::uuid[]) ORDER BY v.id FOR NO KEY UPDATE OF v`,
    [ids],
  );
  const found = new Map(rows.map((r) => [r.id, r]));
  const short = wanted
    .map((l) => {
      const row = found.get(l.variantId);
      return { variantId: l.variantId, productId: row?.productId ?? null, requested: l.quantity, available: row?.sellable ? row.stock : 0 };
    })
    .filter((l) => l.available < l.requested);
  if (short.length) throw new InsufficientStock(short);
  // The low-stock event goes in the same statement: only the take that crosses the variant's
  // threshold (its own, else the store's) from above it to at or below it writes one, so a
  // variant sold down further is mailed once.
  await tx.query(
    `WITH ${MOVEMENT_CONTEXT('$4')}, store AS (SELECT ${STORE_LOW_STOCK_THRESHOLD} AS threshold), taken AS (
       UPDATE product_variants v SET stock = v.stock - w.quantity, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS w(id, quantity), movement WHERE v.id = w.id
       RETURNING v.id, v.product_id, v.stock, v.stock + w.quantity AS before, coalesce(v.low_stock_threshold, (SELECT threshold FROM store)) AS threshold
     )
     INSERT INTO outbox (topic, payload)
     SELECT $3, json_build_object('variantId', t.id, 'productId', t.product_id, 'stock', t.stock, 'threshold', t.threshold)
       FROM taken t WHERE t.before > t.threshold AND t.stock <= t.threshold`,
    [ids, wanted.map((l) => l.quantity), PRODUCT_STOCK_LOW, stockMovementJson(movement)],
  );
}

/** Puts stock back (cancel, expiry, refund before shipping), locking in the same id order. */
export async function restoreStock(tx: Queryable, lines: StockLine[], movement: StockMovement): Promise<void> {
  const wanted = byVariant(lines);
  if (!wanted.length) return;
  const ids = wanted.map((l) => l.variantId);
  await tx.query(`SELECT id FROM product_variants WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, [ids]);
  await tx.query(
    `WITH ${MOVEMENT_CONTEXT('$3')}
     UPDATE product_variants v SET stock = v.stock + w.quantity, updated_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS w(id, quantity), movement WHERE v.id = w.id`,
    [ids, wanted.map((l) => l.quantity), stockMovementJson(movement)],
  );
}

/**
 * Names the movement of the stock changes the rest of this transaction makes by statements of
 * its own (a staff form, an import): one round trip, before them. The stock writers above set
 * it in their own statement instead.
 */
export async function describeStockMovement(tx: Queryable, movement: StockMovement): Promise<void> {
  await tx.query(`SELECT set_config($1, $2, true)`, [STOCK_MOVEMENT_SETTING, stockMovementJson(movement)]);
}
