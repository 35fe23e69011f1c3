// Seeds a large shop for benchmarks: 100k products, 10k users, 100k orders with items, all in
// set-based SQL (a few seconds, not minutes). Usage: DATABASE_URL=... npx tsx test/bench/seed-large.ts
import pg from 'pg';

export type LargeSeed = { products: number; users: number; orders: number };
export const DEFAULT_SIZE: LargeSeed = { products: 100_000, users: 10_000, orders: 100_000 };

const WORDS = ['Coffee', 'Tea', 'Mug', 'Kettle', 'Grinder', 'Filter', 'Blend', 'Roast', 'Cup', 'Jar', 'Scale', 'Press', 'Bowl', 'Spoon', 'Tin'];

export async function seedLarge(pool: pg.Pool, size: LargeSeed = DEFAULT_SIZE): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO categories (name, slug) SELECT 'Bench ' || g, 'bench-' || g FROM generate_series(1, 50) g ON CONFLICT DO NOTHING`);
    await client.query(
      `INSERT INTO products (sku, slug, title, description, price_minor, currency, stock, active, category_id, created_at)
       SELECT 'BENCH-' || g, 'bench-product-' || g,
              ($2::text[])[1 + g % 15] || ' ' || ($2::text[])[1 + (g / 15) % 15] || ' No. ' || g,
              'A benchmark product, number ' || g || ', made of ' || lower(($2::text[])[1 + (g / 7) % 15]),
              100 + (g * 7919) % 20000, 'USD', (g * 31) % 200, g % 20 <> 0,
              (SELECT id FROM categories WHERE slug = 'bench-' || (1 + g % 50)),
              timestamptz '2025-01-01' + g * interval '1 minute'
         FROM generate_series(1, $1::int) g
       ON CONFLICT DO NOTHING`,
      [size.products, WORDS],
    );
    await client.query(
      `INSERT INTO users (clerk_user_id, email, name) SELECT 'bench_user_' || g, 'bench' || g || '@shop.test', 'Bench User ' || g
         FROM generate_series(1, $1::int) g ON CONFLICT DO NOTHING`,
      [size.users],
    );
    // Orders spread over the last 60 days and across statuses, each with 1-3 items.
    await client.query(
      `WITH u AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE clerk_user_id LIKE 'bench_user_%'),
            p AS (SELECT id, sku, title, price_minor, row_number() OVER (ORDER BY id) AS n FROM products WHERE sku LIKE 'BENCH-%'),
            o AS (
              INSERT INTO orders (user_id, status, currency, subtotal_minor, total_minor, item_count, created_at, paid_at)
              SELECT u.id,
                     (ARRAY['PAID','SHIPPED','DELIVERED','DELIVERED','AWAITING_PAYMENT','CANCELLED','EXPIRED','REFUNDED'])[1 + g % 8]::"OrderStatus",
                     'USD', 0, 0, 1 + g % 3, now() - (g % 86400) * interval '1 minute', now() - (g % 86400) * interval '1 minute'
                FROM generate_series(1, $1::int) g JOIN u ON u.n = 1 + g % $2::int
              RETURNING id, item_count, created_at)
       INSERT INTO order_items (order_id, product_id, sku, title, unit_price_minor, quantity, line_total_minor)
       SELECT o.id, p.id, p.sku, p.title, p.price_minor, 1, p.price_minor
         FROM o CROSS JOIN LATERAL generate_series(1, o.item_count) i
         JOIN p ON p.n = 1 + (abs(hashtext(o.id::text)) + i) % $3::int`,
      [size.orders, size.users, size.products],
    );
    await client.query(
      `UPDATE orders o SET subtotal_minor = s.total, total_minor = s.total, item_count = s.items
         FROM (SELECT order_id, sum(line_total_minor) AS total, sum(quantity) AS items FROM order_items GROUP BY order_id) s
        WHERE s.order_id = o.id AND o.total_minor = 0`,
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
  const started = Date.now();
  await seedLarge(pool);
  console.log(`seeded ${JSON.stringify(DEFAULT_SIZE)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await pool.end();
}
