// What the product page shows of a product's options and variants (its show action attaches it).
import type pg from 'pg';
import { variantTitle, type StoredVariantFields } from '../src/catalog/variant-rules.js';
import { optionsOf } from './catalog-writes.js';

export type ProductCatalog = {
  productId: string;
  title: string;
  currency: string;
  options: { id: string; name: string; position: number; values: string[] }[];
  variants: (StoredVariantFields & {
    id: string;
    /** "M / Red"; null without options */
    title: string | null;
    imageUrl: string | null;
  })[];
};

export async function loadProductCatalog(pool: pg.Pool, productId: string): Promise<ProductCatalog | undefined> {
  const [product, options, variants] = await Promise.all([
    pool.query<{ title: string; currency: string }>(`SELECT title, currency FROM products WHERE id = $1`, [productId]),
    optionsOf(pool, productId),
    pool.query<Omit<ProductCatalog['variants'][number], 'title'>>(
      `SELECT id, sku, option_values AS "optionValues", price_minor AS "priceMinor", compare_at_price_minor AS "compareAtPriceMinor",
              stock, active, position, image_url AS "imageUrl"
         FROM product_variants WHERE product_id = $1 ORDER BY position, sku`,
      [productId],
    ),
  ]);
  if (!product.rows[0]) return undefined;
  return {
    productId,
    ...product.rows[0],
    options,
    variants: variants.rows.map((v) => ({ ...v, title: variantTitle(options, v.optionValues) })),
  };
}
