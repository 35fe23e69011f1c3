// A variant's stock history (the stock ledger, written by triggers: stock.ts) and the staff
// adjustments that change stock by hand, each with its reason: goods received, damaged, or a
// stock count that found a different number. The panel and the staff API both call these.
import type pg from 'pg';
import { z } from 'zod';
import { inTransaction, type Queryable } from '../shared/db.js';
import { Conflict, NotFound, ValidationFailed } from '../shared/errors.js';
import { decodeCursor as decodeFields, encodeCursor as encodeFields } from '../shared/cursor.js';
import { recordStaffAction } from '../audit/audit-trail.js';
import { describeStockMovement, type STAFF_STOCK_REASONS, type StockReason } from './stock.js';

export type StaffStockReason = (typeof STAFF_STOCK_REASONS)[number];
export type StockAdjustment = { change: number; reason: StaffStockReason; note?: string };

/** One ledger row as staff read it: who (with their email when a user), and the order it was for. */
export type StockMovementView = {
  id: number;
  variantId: string;
  change: number;
  stockAfter: number;
  reason: StockReason;
  actor: string;
  actorEmail: string | null;
  orderId: string | null;
  orderNumber: number | null;
  note: string | null;
  createdAt: Date;
};

/** The stock column's limit (PostgreSQL integer): an adjustment may not take the stock past it. */
const MAX_STOCK = 2_147_483_647;

export class StockBelowZero extends Conflict {
  constructor(stock: number, change: number) {
    super('STOCK_BELOW_ZERO', `The stock is ${stock}: a change of ${change} would take it below 0`, { stock });
  }
}

// Only a well-formed uuid is cast (an actor written by hand in psql could be anything).
const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const MOVEMENT_VIEW = `
  SELECT m.id, m.variant_id AS "variantId", m.change, m.stock_after AS "stockAfter", m.reason, m.actor, u.email AS "actorEmail",
         m.order_id AS "orderId", o.number AS "orderNumber", m.note, m.created_at AS "createdAt"
    FROM stock_movements m
    LEFT JOIN orders o ON o.id = m.order_id
    LEFT JOIN users u ON u.id = CASE WHEN m.actor ~ '^(staff|customer):${UUID_PATTERN}$' THEN substr(m.actor, strpos(m.actor, ':') + 1)::uuid END`;

/**
 * Changes a variant's stock by `change`, for `reason`, as this staff member: one conditional
 * UPDATE, so concurrent adjustments and checkouts queue on the row and none can take the stock
 * below 0 (checked on the row as it is when the lock is granted). The ledger row, and the audit
 * trail's entry, are written in the same transaction.
 */
export async function adjustStock(
  pool: pg.Pool,
  variantId: string,
  staffId: string,
  adjustment: StockAdjustment,
): Promise<{ movement: StockMovementView; stock: number }> {
  return inTransaction(pool, async (tx) => {
    await describeStockMovement(tx, { reason: adjustment.reason, actor: `staff:${staffId}`, note: adjustment.note });
    const { rows } = await tx.query<{ stock: number; sku: string }>(
      `UPDATE product_variants SET stock = stock + $2, updated_at = now() WHERE id = $1 AND stock::bigint + $2 BETWEEN 0 AND $3 RETURNING stock, sku`,
      [variantId, adjustment.change, MAX_STOCK],
    );
    if (!rows[0]) throw await refusal(tx, variantId, adjustment.change);
    const { stock, sku } = rows[0];
    // the variant's row stays locked until commit, so the newest movement is this one
    const movement = (await tx.query<StockMovementView>(`${MOVEMENT_VIEW} WHERE m.variant_id = $1 ORDER BY m.id DESC LIMIT 1`, [variantId])).rows[0];
    await recordStaffAction(tx, {
      staffId,
      action: 'stock-adjustment',
      resource: 'ProductVariant',
      recordId: variantId,
      recordTitle: sku,
      difference: { stock: { before: stock - adjustment.change, after: stock }, change: adjustment.change, reason: adjustment.reason, note: adjustment.note },
    });
    return { movement, stock };
  });
}

/** Why the adjustment's UPDATE matched no row: no such variant, or the stock would leave its range. */
async function refusal(db: Queryable, variantId: string, change: number): Promise<Error> {
  const { rows } = await db.query<{ stock: number }>(`SELECT stock FROM product_variants WHERE id = $1`, [variantId]);
  if (!rows[0]) return new NotFound('The variant');
  if (rows[0].stock + change < 0) return new StockBelowZero(rows[0].stock, change);
  return new ValidationFailed([{ path: 'change', message: `would take the stock above ${MAX_STOCK}` }]);
}

// Newest first by id (the ledger's own order: ids grow with each statement), keyset-paginated.
const cursorFields = z.tuple([z.number().int().positive().max(Number.MAX_SAFE_INTEGER)]);

export function decodeMovementCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const fields = decodeFields(cursor, cursorFields);
  if (!fields) throw new ValidationFailed([{ path: 'cursor', message: 'not a cursor from a previous page' }]);
  return fields[0];
}

/** A variant's stock history, newest first: one page of `limit`, after the movement `before` (a cursor's id). */
export async function listStockMovements(
  db: Queryable,
  variantId: string,
  page: { limit: number; before?: number },
): Promise<{ items: StockMovementView[]; nextCursor: string | null }> {
  const { rows } = await db.query<StockMovementView>(
    `SELECT movements.* FROM product_variants v
       LEFT JOIN LATERAL (${MOVEMENT_VIEW} WHERE m.variant_id = v.id AND ($2::bigint IS NULL OR m.id < $2) ORDER BY m.id DESC LIMIT $3) movements ON true
      WHERE v.id = $1`,
    [variantId, page.before ?? null, page.limit + 1],
  );
  if (!rows.length) throw new NotFound('The variant');
  const found = rows.filter((row) => row.id !== null);
  const items = found.slice(0, page.limit);
  return { items, nextCursor: found.length > page.limit ? encodeFields([items[items.length - 1].id]) : null };
}
