// Seeds a large shop for benchmarks: 100k products with 1 to 4 variants each (about 225k
// variants), 10k users, 100k orders with items, all in set-based SQL (seconds, not minutes);
// and, apart from them, the "Vendure-shape" set: 1,000 products with exactly two variants each
// in a category of their own (VENDURE_SHAPE_CATEGORY), which the listing can filter to. Each
// large-set product has two images (rows only); the first STORED_IMAGES main images have their
// sizes in media_objects, made by the upload code from photo-like JPEGs.
// Usage: DATABASE_URL=... npx tsx test/bench/seed-large.ts
//
// Product n (its variants keep SKU 'BENCH-<n>' for the first, 'BENCH-<n>-<i>' for the others)
// takes its layout from n % 8:
//   0, 1, 2  no options, one variant (option_values {})
//   3        Size S, M                      2 variants
//   4        Size S, M, L                   3 variants
//   5        Size S, M, L, XL               4 variants
//   6        Size S, M  ×  Colour Red, Blue 4 variants
//   7        Colour Black, White, Red       3 variants
// Every 20th product is inactive; in every 13th product with several variants the last one is
// inactive; every 9th product is out of stock in all its variants, and one variant in 7 besides
// (about a quarter of the variants are out of stock); every 6th product's variants have a compare-at price above their price; larger sizes
// cost more.
import pg from 'pg';
import sharp from 'sharp';
import { prepareImage, type Rendition } from '../../src/media/image-upload.js';
import { variantTitleSql } from '../../src/catalog/variant-title.js';

export type LargeSeed = { products: number; users: number; orders: number; vendureShapeProducts: number };
export const DEFAULT_SIZE: LargeSeed = { products: 100_000, users: 10_000, orders: 100_000, vendureShapeProducts: 1_000 };
export const VENDURE_SHAPE_CATEGORY = 'vendure-shape';
/** A SKU the seed writes: its presence means the database is seeded already. */
export const SEEDED_SKU = 'BENCH-1';

const WORDS = ['Coffee', 'Tea', 'Mug', 'Kettle', 'Grinder', 'Filter', 'Blend', 'Roast', 'Cup', 'Jar', 'Scale', 'Press', 'Bowl', 'Spoon', 'Tin'];

// layout (n % 8) → its options, and its variants (position i from 1, option values)
const OPTIONS = `(VALUES
  (3, 'Size', 0, ARRAY['S','M']), (4, 'Size', 0, ARRAY['S','M','L']), (5, 'Size', 0, ARRAY['S','M','L','XL']),
  (6, 'Size', 0, ARRAY['S','M']), (6, 'Colour', 1, ARRAY['Red','Blue']), (7, 'Colour', 0, ARRAY['Black','White','Red'])
) AS layout(k, name, position, "values")`;
const VARIANTS = `(VALUES
  (0, 1, '{}'::jsonb), (1, 1, '{}'), (2, 1, '{}'),
  (3, 1, '{"Size":"S"}'), (3, 2, '{"Size":"M"}'),
  (4, 1, '{"Size":"S"}'), (4, 2, '{"Size":"M"}'), (4, 3, '{"Size":"L"}'),
  (5, 1, '{"Size":"S"}'), (5, 2, '{"Size":"M"}'), (5, 3, '{"Size":"L"}'), (5, 4, '{"Size":"XL"}'),
  (6, 1, '{"Size":"S","Colour":"Red"}'), (6, 2, '{"Size":"S","Colour":"Blue"}'), (6, 3, '{"Size":"M","Colour":"Red"}'), (6, 4, '{"Size":"M","Colour":"Blue"}'),
  (7, 1, '{"Colour":"Black"}'), (7, 2, '{"Colour":"White"}'), (7, 3, '{"Colour":"Red"}')
) AS layout(k, i, option_values)`;
const VARIANT_COUNT = `(ARRAY[1, 1, 1, 2, 3, 4, 4, 3])[1 + p.n % 8]`; // by layout

/** Uploads whose sizes are stored (media_objects) for the media route's scenario; every product has images rows. */
export const STORED_IMAGES = 50;

export async function seedLarge(pool: pg.Pool, size: LargeSeed = DEFAULT_SIZE): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO categories (name, slug) SELECT 'Bench ' || g, 'bench-' || g FROM generate_series(1, 50) g
       UNION ALL SELECT 'Vendure shape', $1
       ON CONFLICT DO NOTHING`,
      [VENDURE_SHAPE_CATEGORY],
    );
    await client.query(
      `INSERT INTO products (slug, title, description, currency, active, category_id, created_at)
       SELECT 'bench-product-' || g,
              ($2::text[])[1 + g % 15] || ' ' || ($2::text[])[1 + (g / 15) % 15] || ' No. ' || g,
              'A benchmark product, number ' || g || ', made of ' || lower(($2::text[])[1 + (g / 7) % 15]),
              'USD', g % 20 <> 0,
              (SELECT id FROM categories WHERE slug = 'bench-' || (1 + g % 50)),
              timestamptz '2025-01-01' + g * interval '1 minute'
         FROM generate_series(1, $1::int) g
       ON CONFLICT DO NOTHING`,
      [size.products, WORDS],
    );
    // n: the product's number, from its slug
    const numbered = `(SELECT id, substr(slug, 15)::int AS n FROM products WHERE slug LIKE 'bench-product-%') p`;
    await client.query(
      `INSERT INTO product_options (product_id, name, position, "values")
       SELECT p.id, layout.name, layout.position, layout."values" FROM ${numbered} JOIN ${OPTIONS} ON layout.k = p.n % 8
       ON CONFLICT DO NOTHING`,
    );
    // one statement, so the summary trigger refreshes each product once
    await client.query(
      `INSERT INTO product_variants (product_id, sku, option_values, price_minor, compare_at_price_minor, stock, active, position)
       SELECT p.id, CASE WHEN layout.i = 1 THEN 'BENCH-' || p.n ELSE 'BENCH-' || p.n || '-' || layout.i END, layout.option_values,
              100 + (p.n * 7919) % 20000 + (layout.i - 1) * 250,
              CASE WHEN p.n % 6 = 0 THEN 100 + (p.n * 7919) % 20000 + (layout.i - 1) * 250 + 500 END,
              CASE WHEN p.n % 9 = 0 OR (p.n + layout.i) % 7 = 0 THEN 0 ELSE 1 + (p.n * 31 + layout.i * 7) % 200 END,
              NOT (p.n % 13 = 0 AND layout.i > 1 AND layout.i = ${VARIANT_COUNT}),
              layout.i - 1
         FROM ${numbered} JOIN ${VARIANTS} ON layout.k = p.n % 8
       ON CONFLICT DO NOTHING`,
    );
    await seedVendureShape(client, size.vendureShapeProducts);
    await client.query(
      `INSERT INTO users (clerk_user_id, email, name) SELECT 'bench_user_' || g, 'bench' || g || '@shop.test', 'Bench User ' || g
         FROM generate_series(1, $1::int) g ON CONFLICT DO NOTHING`,
      [size.users],
    );
    // Orders spread over the last 60 days and across statuses, each with 1-3 items, each item a
    // variant of the large set as sold (SKU, product title, variant title, option values, price).
    await client.query(
      `WITH u AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE clerk_user_id LIKE 'bench_user_%'),
            sold AS (SELECT v.id, v.product_id, v.sku, pr.title, ${variantTitleSql('v')} AS variant_title, v.option_values, v.price_minor,
                         row_number() OVER (ORDER BY v.id) AS n
                    FROM product_variants v JOIN products pr ON pr.id = v.product_id WHERE v.sku LIKE 'BENCH-%'),
            nv AS (SELECT count(*)::int AS total FROM sold),
            o AS (
              INSERT INTO orders (user_id, status, currency, subtotal_minor, total_minor, item_count, created_at, paid_at)
              SELECT u.id,
                     (ARRAY['PAID','SHIPPED','DELIVERED','DELIVERED','AWAITING_PAYMENT','CANCELLED','EXPIRED','REFUNDED'])[1 + g % 8]::"OrderStatus",
                     'USD', 0, 0, 1 + g % 3, now() - (g % 86400) * interval '1 minute', now() - (g % 86400) * interval '1 minute'
                FROM generate_series(1, $1::int) g JOIN u ON u.n = 1 + g % $2::int
              RETURNING id, item_count, created_at)
       INSERT INTO order_items (order_id, product_id, variant_id, sku, title, variant_title, option_values, unit_price_minor, quantity, line_total_minor)
       SELECT o.id, sold.product_id, sold.id, sold.sku, sold.title, sold.variant_title, sold.option_values, sold.price_minor, 1, sold.price_minor
         FROM o CROSS JOIN nv CROSS JOIN LATERAL generate_series(1, o.item_count) i
         JOIN sold ON sold.n = 1 + (abs(hashtext(o.id::text)) + i) % nv.total`,
      [size.orders, size.users],
    );
    await client.query(
      `UPDATE orders o SET subtotal_minor = s.total, total_minor = s.total, item_count = s.items
         FROM (SELECT order_id, sum(line_total_minor) AS total, sum(quantity) AS items FROM order_items GROUP BY order_id) s
        WHERE s.order_id = o.id AND o.total_minor = 0`,
    );
    await client.query('COMMIT');
    await seedImages(pool);
    // the summary trigger rewrote every product row: the dead versions go, as autovacuum would
    await client.query('VACUUM ANALYZE');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Photos as a camera would give them (noise compresses as badly as real detail does), each
 * sized as an upload is (src/media/image-upload.ts): a card of some tens of kilobytes.
 */
function benchUploads(count: number): Promise<Rendition[][]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const photo = await sharp({
        create: { width: 1600, height: 1200, channels: 3, background: `hsl(${(i * 37) % 360}, 60%, 50%)`, noise: { type: 'gaussian', mean: 0, sigma: 40 } },
      })
        .jpeg({ quality: 85 })
        .toBuffer();
      return (await prepareImage(photo, 50 * 1_048_576)).renditions;
    }),
  );
}

/**
 * Two images per large-set product (so every listed row carries a main image), keyed by uuids;
 * the first STORED_IMAGES products' main images have their sizes stored, for the media route.
 * Also run on its own (run.ts) for a bench database seeded before products had images.
 */
export async function seedImages(pool: pg.Pool) {
  const uploads = await benchUploads(STORED_IMAGES);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await insertImages(client, uploads);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

async function insertImages(client: pg.PoolClient, uploads: Rendition[][]) {
  const numbered = `(SELECT id, substr(slug, 15)::int AS n FROM products WHERE slug LIKE 'bench-product-%') p`;
  await client.query(
    `INSERT INTO product_images (product_id, position, alt, media_key, mime_type, byte_size, width, height)
     SELECT p.id, i.position, 'Bench product ' || p.n || ', view ' || (i.position + 1), gen_random_uuid()::text, 'image/jpeg', 150000, 1200, 900
       FROM ${numbered} CROSS JOIN (VALUES (0), (1)) AS i(position)
      WHERE NOT EXISTS (SELECT 1 FROM product_images WHERE product_id = p.id)`,
  );
  const { rows } = await client.query<{ key: string }>(
    `SELECT i.media_key AS key FROM product_images i JOIN products p ON p.id = i.product_id
      WHERE p.slug LIKE 'bench-product-%' AND i.position = 0 ORDER BY p.slug LIMIT $1`,
    [uploads.length],
  );
  for (const [at, { key }] of rows.entries()) {
    const renditions = uploads[at];
    await client.query(
      `INSERT INTO media_objects (key, size, content_type, etag, bytes)
       SELECT $1, r.size, 'image/webp', r.etag, r.bytes FROM unnest($2::text[], $3::text[], $4::bytea[]) AS r(size, etag, bytes)
       ON CONFLICT DO NOTHING`,
      [key, renditions.map((r) => r.size), renditions.map((r) => r.etag), renditions.map((r) => r.bytes)],
    );
  }
}

/**
 * The Vendure-shape set: `count` products, each with one option (Size S, M) and exactly two
 * active variants in stock, priced 10.00-30.99, in the category VENDURE_SHAPE_CATEGORY. They are
 * newer than the large set (only the demo catalog and the scenarios' own products are newer), so
 * the newest-first listing filtered to their category reads them as it would in a database of
 * their own; its count reads the same 1,000 rows as there.
 */
async function seedVendureShape(client: pg.PoolClient, count: number) {
  await client.query(
    `INSERT INTO products (slug, title, description, currency, category_id, created_at)
     SELECT 'vendure-shape-' || g, 'Vendure-shape product ' || g, 'Two variants, as in the Vendure comparison', 'USD',
            (SELECT id FROM categories WHERE slug = $2), timestamptz '2025-06-01' + g * interval '1 minute'
       FROM generate_series(1, $1::int) g
     ON CONFLICT DO NOTHING`,
    [count, VENDURE_SHAPE_CATEGORY],
  );
  const numbered = `(SELECT id, substr(slug, 15)::int AS n FROM products WHERE slug LIKE 'vendure-shape-%') p`;
  await client.query(
    `INSERT INTO product_options (product_id, name, position, "values") SELECT p.id, 'Size', 0, ARRAY['S','M'] FROM ${numbered}
     ON CONFLICT DO NOTHING`,
  );
  await client.query(
    `INSERT INTO product_variants (product_id, sku, option_values, price_minor, stock, position)
     SELECT p.id, 'VS-' || p.n || '-' || s.size, jsonb_build_object('Size', s.size), 1000 + (p.n * 37) % 2000 + s.i * 100, 10 + p.n % 90, s.i
       FROM ${numbered} CROSS JOIN (VALUES (0, 'S'), (1, 'M')) AS s(i, size)
     ON CONFLICT DO NOTHING`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
  const started = Date.now();
  await seedLarge(pool);
  console.log(`seeded ${JSON.stringify(DEFAULT_SIZE)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await pool.end();
}
