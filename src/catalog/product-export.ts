import { pipeline } from 'node:stream/promises';
import { Transform, type Writable } from 'node:stream';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { stringify } from 'csv-stringify';
import { CATALOG_CSV_COLUMNS, type CatalogCsvRow } from './catalog-csv.js';

// Every variant with its product, in product slug then variant position order. The option
// values are built as JSON text (jsonb would sort the keys), so they keep the product's option order.
const EXPORT_SQL = `
  SELECT p.slug AS product_slug, p.title AS product_title, p.description AS product_description,
         coalesce(c.slug, '') AS category_slug, p.currency, p.active::text AS product_active,
         coalesce((SELECT '{' || string_agg(to_json(o.name)::text || ':' || to_json(v.option_values ->> o.name)::text, ',' ORDER BY o.position, o.name) || '}'
                     FROM product_options o WHERE o.product_id = p.id AND v.option_values ? o.name), '') AS option_values,
         v.sku, v.price_minor::text AS price_minor, coalesce(v.compare_at_price_minor::text, '') AS compare_at_price_minor,
         v.stock::text AS stock, v.active::text AS variant_active, v.position::text AS position
    FROM products p
    JOIN product_variants v ON v.product_id = p.id
    LEFT JOIN categories c ON c.id = p.category_id
   ORDER BY p.slug, v.position, v.sku`;

/** Rows fetched from the server at a time: memory stays flat however large the catalog. */
const BATCH_SIZE = 500;

const toRecord = () =>
  new Transform({
    objectMode: true,
    transform(row: CatalogCsvRow, _encoding, done) {
      done(
        null,
        CATALOG_CSV_COLUMNS.map((column) => row[column]),
      );
    },
  });

/**
 * Writes the whole catalog as CSV (catalog-csv.ts) to `out`, streamed from a server-side cursor
 * through the CSV writer: a slow reader slows the query down instead of filling memory. The
 * connection is dropped rather than returned when the stream breaks off (a client gone mid-way),
 * since its cursor is still open.
 */
export async function exportProductsCsv(pool: pg.Pool, out: Writable): Promise<void> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN READ ONLY'); // one snapshot for the whole file
    const rows = client.query(new QueryStream(EXPORT_SQL, [], { batchSize: BATCH_SIZE }));
    await pipeline(rows, toRecord(), stringify({ header: true, columns: [...CATALOG_CSV_COLUMNS] }), out);
    await client.query('COMMIT');
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    client.release(failed);
  }
}

/** The download's file name: the shop's catalog on this day. */
export const exportFileName = (now = new Date()) => `products-${now.toISOString().slice(0, 10)}.csv`;
