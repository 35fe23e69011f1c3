import type { Tx } from '../shared/db.js';
import type { ImportWrites } from './import-plan.js';

// An import plan's writes: one statement per kind of write, whatever the number of rows (arrays
// through unnest). Stock set by these statements is recorded by the ledger's triggers under the
// movement the caller named (describeStockMovement) for the transaction.

const column = <T, K extends keyof T>(rows: T[], key: K) => rows.map((row) => row[key]);
const asJson = (values: unknown[]) => values.map((v) => JSON.stringify(v));

export async function writeImport(tx: Tx, writes: ImportWrites): Promise<void> {
  const { newProducts, changedProducts, extendedOptions, newVariants, changedVariants } = writes;
  if (newProducts.length) {
    await tx.query(
      `INSERT INTO products (slug, title, description, currency, active, category_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::uuid[])`,
      (['slug', 'title', 'description', 'currency', 'active', 'categoryId'] as const).map((key) => column(newProducts, key)),
    );
    const options = newProducts.flatMap((p) => p.options.map((o) => ({ slug: p.slug, ...o })));
    if (options.length) {
      await tx.query(
        `INSERT INTO product_options (product_id, name, position, values)
         SELECT p.id, o.name, o.position, ARRAY(SELECT jsonb_array_elements_text(o.values))
           FROM unnest($1::text[], $2::text[], $3::int[], $4::jsonb[]) AS o(slug, name, position, values) JOIN products p ON p.slug = o.slug`,
        [column(options, 'slug'), column(options, 'name'), column(options, 'position'), asJson(column(options, 'values'))],
      );
    }
  }
  if (changedProducts.length) {
    await tx.query(
      `UPDATE products t SET title = u.title, description = u.description, currency = u.currency, active = u.active, category_id = u.category_id, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::uuid[]) AS u(id, title, description, currency, active, category_id)
        WHERE t.id = u.id`,
      (['id', 'title', 'description', 'currency', 'active', 'categoryId'] as const).map((key) => column(changedProducts, key)),
    );
  }
  if (extendedOptions.length) {
    await tx.query(
      `UPDATE product_options t SET values = ARRAY(SELECT jsonb_array_elements_text(u.values))
         FROM unnest($1::uuid[], $2::jsonb[]) AS u(id, values) WHERE t.id = u.id`,
      [column(extendedOptions, 'id'), asJson(column(extendedOptions, 'values'))],
    );
  }
  if (newVariants.length) {
    await tx.query(
      `INSERT INTO product_variants (product_id, sku, option_values, price_minor, compare_at_price_minor, stock, active, position)
       SELECT p.id, n.sku, n.option_values, n.price_minor, n.compare_at_price_minor, n.stock, n.active, n.position
         FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::int[], $5::int[], $6::int[], $7::bool[], $8::int[])
              AS n(slug, sku, option_values, price_minor, compare_at_price_minor, stock, active, position)
         JOIN products p ON p.slug = n.slug`,
      [
        column(newVariants, 'productSlug'),
        column(newVariants, 'sku'),
        asJson(column(newVariants, 'optionValues')),
        ...(['priceMinor', 'compareAtPriceMinor', 'stock', 'active', 'position'] as const).map((key) => column(newVariants, key)),
      ],
    );
  }
  if (changedVariants.length) {
    await tx.query(
      `UPDATE product_variants t SET option_values = u.option_values, price_minor = u.price_minor, compare_at_price_minor = u.compare_at_price_minor,
              stock = u.stock, active = u.active, position = u.position, updated_at = now()
         FROM unnest($1::uuid[], $2::jsonb[], $3::int[], $4::int[], $5::int[], $6::bool[], $7::int[])
              AS u(id, option_values, price_minor, compare_at_price_minor, stock, active, position)
        WHERE t.id = u.id`,
      [
        column(changedVariants, 'id'),
        asJson(column(changedVariants, 'optionValues')),
        ...(['priceMinor', 'compareAtPriceMinor', 'stock', 'active', 'position'] as const).map((key) => column(changedVariants, key)),
      ],
    );
  }
}
