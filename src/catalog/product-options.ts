import type { Queryable } from '../shared/db.js';
import type { OptionSpec } from './variant-rules.js';

export type StoredOption = OptionSpec & { id: string; productId: string; position: number };

/**
 * The options of each of these products, in position order. `lock` holds them FOR UPDATE until
 * the transaction ends (an import that rewrites them).
 */
export async function optionsOfProducts(db: Queryable, productIds: string[], lock = false): Promise<Map<string, StoredOption[]>> {
  const { rows } = await db.query<StoredOption>(
    `SELECT id, product_id AS "productId", name, position, values FROM product_options WHERE product_id = ANY($1::uuid[]) ORDER BY position, name ${lock ? 'FOR UPDATE' : ''}`,
    [productIds],
  );
  const byProduct = new Map<string, StoredOption[]>();
  for (const row of rows) byProduct.set(row.productId, [...(byProduct.get(row.productId) ?? []), row]);
  return byProduct;
}
