// Staff change many products or variants at once (the panel's list bulk actions). Each action is
// one transaction, with one audit entry per record it changed (its fields before and after).
import type pg from 'pg';
import { inTransaction, type Tx } from '../shared/db.js';
import { recordStaffAction } from '../audit/audit-trail.js';
import { adjustedPrice, adjustmentProblem, type BasisPoints, type PricedVariant } from './price-adjustment.js';

/** Refused as a whole: why, for each record that stood in the way. */
export class BulkEditRefused extends Error {
  constructor(readonly problems: string[]) {
    super(`Nothing was changed: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''}`);
  }
}

type ProductEdit = { active: boolean } | { categoryId: string | null };

/** Activates, deactivates or recategorises these products; returns how many changed. */
export async function editProducts(pool: pg.Pool, productIds: string[], edit: ProductEdit, staffId: string): Promise<number> {
  const [field, column] = 'active' in edit ? (['active', 'active'] as const) : (['categoryId', 'category_id'] as const);
  const value = 'active' in edit ? edit.active : edit.categoryId;
  return inTransaction(pool, async (tx) => {
    if ('categoryId' in edit && edit.categoryId) {
      // held until commit, so the category cannot be deleted in between
      const found = await tx.query(`SELECT 1 FROM categories WHERE id = $1 FOR KEY SHARE`, [edit.categoryId]);
      if (!found.rowCount) throw new BulkEditRefused(['that category no longer exists']);
    }
    const { rows } = await tx.query<{ id: string; title: string; before: unknown }>(
      `WITH old AS (SELECT id, ${column} AS before FROM products WHERE id = ANY($1::uuid[]) AND ${column} IS DISTINCT FROM $2 ORDER BY id FOR UPDATE)
       UPDATE products p SET ${column} = $2, updated_at = now() FROM old WHERE p.id = old.id RETURNING p.id, p.title, old.before`,
      [productIds, value],
    );
    for (const row of rows) {
      await recordStaffAction(tx, {
        staffId,
        action: 'edit',
        resource: 'Product',
        recordId: row.id,
        recordTitle: row.title,
        difference: { [field]: { before: row.before, after: value } },
      });
    }
    return rows.length;
  });
}

/**
 * Adjusts the prices of these variants (or of every variant of these products) by a
 * percentage (price-adjustment.ts), all or none; returns how many changed.
 */
export async function adjustPrices(pool: pg.Pool, of: { variantIds: string[] } | { productIds: string[] }, basisPoints: BasisPoints, staffId: string) {
  return inTransaction(pool, async (tx) => {
    const variants = await lockVariants(tx, of);
    const changes = variants.map((v) => ({ ...v, after: adjustedPrice(v.priceMinor, basisPoints) }));
    const problems = changes.map((c) => adjustmentProblem(c, c.after)).filter((p): p is string => p !== undefined);
    if (problems.length) throw new BulkEditRefused(problems);
    const changed = changes.filter((c) => c.after !== c.priceMinor);
    if (!changed.length) return 0;
    await tx.query(
      `UPDATE product_variants v SET price_minor = u.price, updated_at = now() FROM unnest($1::uuid[], $2::int[]) AS u(id, price) WHERE v.id = u.id`,
      [changed.map((c) => c.id), changed.map((c) => c.after)],
    );
    for (const c of changed) {
      await recordStaffAction(tx, {
        staffId,
        action: 'edit',
        resource: 'ProductVariant',
        recordId: c.id,
        recordTitle: c.sku,
        difference: { priceMinor: { before: c.priceMinor, after: c.after }, adjustedByPercent: basisPoints / 100 },
      });
    }
    return changed.length;
  });
}

async function lockVariants(tx: Tx, of: { variantIds: string[] } | { productIds: string[] }) {
  const [column, ids] = 'variantIds' in of ? ['id', of.variantIds] : ['product_id', of.productIds];
  const { rows } = await tx.query<PricedVariant & { id: string }>(
    `SELECT id, sku, price_minor AS "priceMinor", compare_at_price_minor AS "compareAtPriceMinor"
       FROM product_variants WHERE ${column} = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return rows;
}
