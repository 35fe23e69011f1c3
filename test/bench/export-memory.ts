// The catalog export's memory and time on a large catalog: seeds PRODUCTS products (two variants
// each) into its own database, streams the CSV export of all of them into a sink that only
// counts bytes, and samples the process's RSS meanwhile. Not part of `npm test`:
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bulk_scratch npx tsx test/bench/export-memory.ts
// The database named there is dropped and created again.
import { Writable } from 'node:stream';
import pg from 'pg';
import { migrate } from '../../src/shared/migrate.js';
import { createDb } from '../../src/shared/db.js';
import { exportProductsCsv } from '../../src/catalog/product-export.js';

const PRODUCTS = Number(process.env.PRODUCTS ?? 100_000);
const url = new URL(process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bulk_scratch');
const name = url.pathname.slice(1);

async function recreateDatabase() {
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

async function seed(pool: pg.Pool) {
  await pool.query(`INSERT INTO categories (name, slug) VALUES ('Bench', 'bench')`);
  await pool.query(
    `INSERT INTO products (slug, title, description, currency, category_id)
     SELECT 'bench-' || i, 'Bench product ' || i, 'A product, "seeded" for the export bench, number ' || i, 'USD', (SELECT id FROM categories)
       FROM generate_series(1, $1) AS i`,
    [PRODUCTS],
  );
  await pool.query(`INSERT INTO product_options (product_id, name, position, values) SELECT id, 'Size', 0, ARRAY['S', 'M'] FROM products`);
  await pool.query(
    `INSERT INTO product_variants (product_id, sku, option_values, price_minor, stock, position)
     SELECT p.id, upper(p.slug) || '-' || s.size, jsonb_build_object('Size', s.size), 1000 + s.n, s.n * 3, s.n
       FROM products p, (VALUES ('S', 0), ('M', 1)) AS s(size, n)`,
  );
  await pool.query('ANALYZE');
}

async function main() {
  await recreateDatabase();
  await migrate(url.toString());
  const db = createDb(url.toString(), 4);
  const seedStart = Date.now();
  await seed(db.pool);
  console.log(`seeded ${PRODUCTS} products, ${PRODUCTS * 2} variants in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  let bytes = 0;
  let lines = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines++;
      done();
    },
  });
  const started = process.hrtime.bigint();
  await exportProductsCsv(db.pool, sink);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(
    `exported ${lines - 1} rows (${mb(bytes)} MB of CSV) in ${seconds.toFixed(2)} s; RSS before ${mb(baseline)} MB, peak ${mb(peak)} MB (+${mb(peak - baseline)} MB)`,
  );
  await db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
