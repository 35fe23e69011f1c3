import type { Queryable } from '../../src/shared/db.js';

export type UnbalancedVariant = { id: string; stock: number; ledger: number; lastStockAfter: number | null };

/**
 * The stock ledger's invariant: for every variant, its movements add up to its stock, and the
 * newest says so. Every test database is checked before it is dropped (createTestDatabase), so
 * the whole suite's load proves it. Empty when it holds.
 */
export async function unbalancedStock(db: Queryable): Promise<UnbalancedVariant[]> {
  const { rows } = await db.query<UnbalancedVariant>(
    `SELECT v.id, v.stock, coalesce(l.ledger, 0)::int AS ledger, l.last AS "lastStockAfter"
       FROM product_variants v
       LEFT JOIN LATERAL (
         SELECT sum(m.change) AS ledger, (array_agg(m.stock_after ORDER BY m.id DESC))[1] AS last
           FROM stock_movements m WHERE m.variant_id = v.id
       ) l ON true
      WHERE v.stock <> coalesce(l.ledger, 0) OR v.stock <> coalesce(l.last, 0)`,
  );
  return rows;
}

/**
 * The ledger after a load (the reliability suite, the bench): the variants it does not add up
 * for (none, when it holds) and how many movements there are, for the run's counts.
 */
export async function ledgerBalance(db: Queryable): Promise<{ unbalanced: UnbalancedVariant[]; movements: number }> {
  const { rows } = await db.query<{ movements: number }>(`SELECT count(*)::int AS movements FROM stock_movements`);
  return { unbalanced: await unbalancedStock(db), movements: rows[0].movements };
}
