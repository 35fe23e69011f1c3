// The variants migration (prisma/migrations/20261201000000_variants) run on a shop that holds the
// previous schema's data: every product becomes a product with one variant that carries its SKU,
// price and stock under the product's own id, carts and order lines follow, nothing else moves,
// and the new constraints and summary triggers hold on the migrated database.
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { migrate } from '../src/shared/migrate.js';
import { createTestDatabase } from './helpers/test-app.js';

const VARIANTS = '20261201000000_variants';
const later = readdirSync('prisma/migrations', { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name > VARIANTS)
  .map((d) => d.name)
  .sort();
const earlier = readdirSync('prisma/migrations', { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name < VARIANTS)
  .map((d) => d.name)
  .sort();

const run = promisify(execFile);
const prisma = (databaseUrl: string, ...args: string[]) =>
  run(process.execPath, ['--import', './prisma/cli-preload.mjs', 'node_modules/prisma/build/index.js', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_OPTIONS: '', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    timeout: 60_000,
  });

/**
 * The shop as the previous release left it: the migrations before the variants one applied and
 * recorded in Prisma's history exactly as src/shared/migrate.ts records them (migrate() has no
 * way to stop before a migration, so its steps are repeated here; `prisma migrate status` and
 * migrate() itself then check the rows).
 */
async function applyEarlierMigrations(client: pg.Client): Promise<void> {
  await client.query(`CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
  for (const name of earlier) {
    const sql = readFileSync(`prisma/migrations/${name}/migration.sql`, 'utf8');
    const id = randomUUID();
    await client.query('INSERT INTO "_prisma_migrations" (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)', [
      id,
      createHash('sha256').update(sql).digest('hex'),
      name,
    ]);
    await client.query(sql);
    await client.query('UPDATE "_prisma_migrations" SET applied_steps_count = applied_steps_count + 1, finished_at = now() WHERE id = $1', [id]);
  }
}

// The old schema's data: fixed ids and timestamps so the expectations below can name them.
const ids = {
  shirts: randomUUID(),
  mugs: randomUUID(),
  ada: randomUUID(),
  grace: randomUUID(),
  adasCart: randomUUID(),
  gracesCart: randomUUID(),
  paidOrder: randomUUID(),
  awaitingOrder: randomUUID(),
  cancelledOrder: randomUUID(),
  shippedOrder: randomUUID(),
};
type OldProduct = { id: string; sku: string; slug: string; price: number; stock: number; active: boolean; category: string | null };
const oldProducts: Record<'tee' | 'hoodie' | 'sticker' | 'mug' | 'poster', OldProduct> = {
  tee: { id: randomUUID(), sku: 'TEE-001', slug: 'tee', price: 1999, stock: 12, active: true, category: ids.shirts },
  hoodie: { id: randomUUID(), sku: 'HOOD-002', slug: 'hoodie', price: 4500, stock: 3, active: false, category: ids.shirts },
  sticker: { id: randomUUID(), sku: 'STK-003', slug: 'sticker', price: 0, stock: 500, active: true, category: null },
  mug: { id: randomUUID(), sku: 'MUG-004', slug: 'mug', price: 1250, stock: 0, active: true, category: ids.mugs },
  // sold once, then deleted before the migration: its order line keeps product_id NULL
  poster: { id: randomUUID(), sku: 'PST-005', slug: 'poster', price: 800, stock: 7, active: true, category: null },
};
const { tee, hoodie, sticker, mug, poster } = oldProducts;

async function fillWithOldData(client: pg.Client): Promise<void> {
  await client.query(
    `INSERT INTO categories (id, name, slug, created_at, updated_at) VALUES
       ($1, 'Shirts', 'shirts', '2026-11-01T10:00:00Z', '2026-11-02T10:00:00Z'),
       ($2, 'Mugs', 'mugs', '2026-11-01T11:00:00Z', '2026-11-01T11:00:00Z')`,
    [ids.shirts, ids.mugs],
  );
  let day = 1;
  for (const p of Object.values(oldProducts)) {
    day += 1;
    await client.query(
      `INSERT INTO products (id, sku, slug, title, description, image_url, price_minor, currency, stock, active, category_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'USD', $8, $9, $10, $11, $12)`,
      [
        p.id,
        p.sku,
        p.slug,
        `The ${p.slug}`,
        `A fine ${p.slug}`,
        `https://img.example/${p.slug}.jpg`,
        p.price,
        p.stock,
        p.active,
        p.category,
        `2026-11-${String(day).padStart(2, '0')}T09:00:00.123Z`,
        `2026-11-${String(day + 10).padStart(2, '0')}T09:30:00.456Z`,
      ],
    );
  }
  await client.query(
    `INSERT INTO users (id, clerk_user_id, email, name, role) VALUES
       ($1, 'user_ada', 'ada@example.com', 'Ada', 'CUSTOMER'), ($2, 'user_grace', 'grace@example.com', 'Grace', 'ADMIN')`,
    [ids.ada, ids.grace],
  );
  await client.query(`INSERT INTO carts (id, user_id) VALUES ($1, $2), ($3, $4)`, [ids.adasCart, ids.ada, ids.gracesCart, ids.grace]);
  await client.query(
    `INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES
       ($1, $2, 2, '2026-11-20T08:00:00Z'), ($1, $3, 1, '2026-11-20T08:01:00Z'), ($1, $5, 4, '2026-11-20T08:02:00Z'),
       ($4, $6, 3, '2026-11-21T12:00:00Z')`,
    [ids.adasCart, tee.id, mug.id, ids.gracesCart, poster.id, hoodie.id],
  );
  await client.query(
    `INSERT INTO orders (id, user_id, status, currency, subtotal_minor, total_minor, item_count, expires_at, carrier, tracking_number, paid_at, shipped_at, cancelled_at) VALUES
       ($1, $5, 'PAID', 'USD', 3599, 3599, 3, NULL, NULL, NULL, '2026-11-22T10:05:00Z', NULL, NULL),
       ($2, $5, 'AWAITING_PAYMENT', 'USD', 0, 0, 5, '2026-12-01T23:59:00Z', NULL, NULL, NULL, NULL, NULL),
       ($3, $6, 'CANCELLED', 'USD', 4500, 4500, 1, NULL, NULL, NULL, NULL, NULL, '2026-11-23T09:00:00Z'),
       ($4, $6, 'SHIPPED', 'USD', 3998, 3998, 2, NULL, 'DHL', 'JD0001', '2026-11-24T10:00:00Z', '2026-11-25T10:00:00Z', NULL)`,
    [ids.paidOrder, ids.awaitingOrder, ids.cancelledOrder, ids.shippedOrder, ids.ada, ids.grace],
  );
  await client.query(
    `INSERT INTO order_items (order_id, product_id, sku, title, unit_price_minor, quantity, line_total_minor) VALUES
       ($1, $5, 'TEE-001', 'The tee', 1999, 1, 1999),
       ($1, $6, 'PST-005', 'The poster', 800, 2, 1600),
       ($2, $7, 'STK-003', 'The sticker', 0, 5, 0),
       ($3, $8, 'HOOD-002', 'The hoodie', 4500, 1, 4500),
       ($4, $5, 'TEE-001', 'The tee', 1999, 2, 3998)`,
    [ids.paidOrder, ids.awaitingOrder, ids.cancelledOrder, ids.shippedOrder, tee.id, poster.id, sticker.id, hoodie.id],
  );
  await client.query(
    `INSERT INTO order_status_changes (order_id, from_status, to_status, actor, reason) VALUES
       ($1, NULL, 'AWAITING_PAYMENT', 'customer', NULL), ($1, 'AWAITING_PAYMENT', 'PAID', 'stripe', NULL),
       ($2, 'AWAITING_PAYMENT', 'CANCELLED', 'customer', 'changed my mind'), ($3, 'PAID', 'SHIPPED', 'staff', NULL)`,
    [ids.paidOrder, ids.cancelledOrder, ids.shippedOrder],
  );
  await client.query(
    `INSERT INTO payments (order_id, provider, status, amount_minor, currency, provider_ref, failure_reason) VALUES
       ($1, 'STRIPE', 'SUCCEEDED', 3599, 'USD', 'pi_paid', NULL),
       ($2, 'MOCK', 'PENDING', 0, 'USD', 'mock_1', NULL),
       ($3, 'SSLCOMMERZ', 'FAILED', 4500, 'USD', 'ssl_1', 'card declined'),
       ($4, 'STRIPE', 'SUCCEEDED', 3998, 'USD', 'pi_shipped', NULL)`,
    [ids.paidOrder, ids.awaitingOrder, ids.cancelledOrder, ids.shippedOrder],
  );
  await client.query(
    `INSERT INTO payment_events (provider, provider_event_id, type, payload, payment_id, outcome)
     SELECT 'STRIPE', 'evt_1', 'payment_intent.succeeded', '{"id":"evt_1"}', id, 'applied' FROM payments WHERE provider_ref = 'pi_paid'`,
  );
  await client.query(
    `INSERT INTO idempotency_keys (user_id, key, request_hash, response_status, response_body, order_id)
     VALUES ($1, 'checkout-1', 'h1', 201, '{"id":"order"}', $2)`,
    [ids.ada, ids.paidOrder],
  );
  await client.query('DELETE FROM products WHERE id = $1', [poster.id]);
}

/** Orders rows as PostgreSQL's ORDER BY does on uuid/text keys (byte order, not locale order). */
const byKey =
  (...keys: string[]) =>
  (a: Record<string, unknown>, b: Record<string, unknown>) => {
    const ka = keys.map((k) => String(a[k])).join(' ');
    const kb = keys.map((k) => String(b[k])).join(' ');
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };

/** Every row of a table as JSON, in a stable order. */
async function rowsOf(client: pg.Client, table: string, orderBy = 'id'): Promise<Record<string, unknown>[]> {
  const { rows } = await client.query<{ row: Record<string, unknown> }>(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY ${orderBy}`);
  return rows.map((r) => r.row);
}

/** A row cut down to these columns: later migrations may add columns that this one does not know. */
const only = (keys: string[]) => (row: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, row[k]]));
const columnsOf = (rows: Record<string, unknown>[]) => Object.keys(rows[0] ?? {});

const untouchedTables = ['categories', 'users', 'carts', 'orders', 'order_status_changes', 'payments', 'payment_events', 'idempotency_keys'];
const orderOf = (table: string) => (table === 'idempotency_keys' ? 'user_id, key' : 'id');
const before: Record<string, Record<string, unknown>[]> = {};

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let client: pg.Client;
let applied: string[];

beforeAll(async () => {
  // Arrange: the previous release's schema, with a shop's worth of data in it
  database = await createTestDatabase({ empty: true });
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await applyEarlierMigrations(client);
  await fillWithOldData(client);
  for (const table of [...untouchedTables, 'products', 'order_items']) before[table] = await rowsOf(client, table, orderOf(table));
  before.cart_items = await rowsOf(client, 'cart_items', 'cart_id, product_id');

  // Act: the app's own migrate(), as `npm start` runs it on deploy
  applied = await migrate(database.url);
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

const SURVIVORS = [tee, hoodie, sticker, mug];

describe('when the variants migration runs on a shop with products, carts and orders', () => {
  test('then migrate applies the variants migration (and those after it), records them, and `prisma migrate status` agrees', async () => {
    expect(earlier.length).toBeGreaterThan(0);
    expect(applied).toEqual([VARIANTS, ...later]); // and the migrations made after it
    const { rows } = await client.query<{ migration_name: string; steps: number; finished: boolean; logs: string | null }>(
      `SELECT migration_name, applied_steps_count AS steps, finished_at IS NOT NULL AS finished, logs FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows).toEqual([...earlier, VARIANTS, ...later].map((migration_name) => ({ migration_name, steps: 1, finished: true, logs: null })));
    const status = await prisma(database.url, 'migrate', 'status');
    expect(status.stdout).toMatch(/Database schema is up to date/);
    await expect(migrate(database.url)).resolves.toEqual([]);
  }, 90_000);

  test('then every product has exactly one variant with its old SKU, price and stock, under the product id, with no options', async () => {
    const { rows } = await client.query(
      `SELECT id, product_id, sku, option_values, price_minor, compare_at_price_minor, stock, active, position, image_url,
              to_jsonb(created_at) AS created_at, to_jsonb(updated_at) AS updated_at
         FROM product_variants ORDER BY sku`,
    );
    const oldRows = new Map(before.products.map((p) => [p.id, p]));
    const expected = SURVIVORS.map((p) => ({
      id: p.id,
      product_id: p.id,
      sku: p.sku,
      option_values: {},
      price_minor: p.price,
      compare_at_price_minor: null,
      stock: p.stock,
      active: true,
      position: 0,
      image_url: null,
      created_at: oldRows.get(p.id)!.created_at,
      updated_at: oldRows.get(p.id)!.updated_at,
    })).sort((a, b) => a.sku.localeCompare(b.sku));
    expect(rows).toEqual(expected);
    const options = await client.query('SELECT count(*)::int AS n FROM product_options');
    expect(options.rows[0].n).toBe(0);
  });

  test('then each product keeps its other columns and gets its old price as its price range and its old SKU as its SKU list', async () => {
    const after = await rowsOf(client, 'products');

    expect(after).toEqual(
      before.products.map((p) => {
        const { sku, price_minor, stock: _stock, ...rest } = p;
        // option_pairs: a later migration's column; a product without options has none
        return { ...rest, price_min_minor: price_minor, price_max_minor: price_minor, variant_skus: sku, option_pairs: [] };
      }),
    );
    // inactive products keep their own flag; their variant is active, so they keep a price
    expect(after.find((p) => p.id === hoodie.id)).toMatchObject({ active: false, price_min_minor: 4500, price_max_minor: 4500 });
  });

  test('then cart lines point at the variant that has the old product id, with the same quantities', async () => {
    const after = await rowsOf(client, 'cart_items', 'cart_id, variant_id');

    expect(after).toEqual(before.cart_items.map(({ product_id, ...rest }) => ({ ...rest, variant_id: product_id })).sort(byKey('cart_id', 'variant_id')));
    // four lines were added; the deleted poster's went with it before the migration
    expect(after).toHaveLength(3);
  });

  test("then order lines keep everything, point at their product's variant, and the deleted product's line keeps no variant", async () => {
    const after = (await rowsOf(client, 'order_items')).map(only([...columnsOf(before.order_items), 'variant_id', 'variant_title', 'option_values']));

    expect(after).toEqual(before.order_items.map((line) => ({ ...line, variant_id: line.product_id, variant_title: null, option_values: {} })));
    expect(after.filter((line) => line.product_id === null)).toEqual([
      expect.objectContaining({ sku: 'PST-005', title: 'The poster', quantity: 2, variant_id: null }),
    ]);
  });

  test('then orders, payments, users, carts and categories are exactly as they were', async () => {
    for (const table of untouchedTables) {
      const rows = (await rowsOf(client, table, orderOf(table))).map(only(columnsOf(before[table])));
      expect({ table, rows }).toEqual({ table, rows: before[table] });
    }
    expect(before.orders.map((o) => o.status).sort()).toEqual(['AWAITING_PAYMENT', 'CANCELLED', 'PAID', 'SHIPPED']);
    expect(before.payments).toHaveLength(4);
  });
});

/** The error a statement fails with, or a failure of the test when it succeeds. */
async function refusal(sql: string, params: unknown[]): Promise<{ code?: string; constraint?: string }> {
  try {
    await client.query(sql, params);
  } catch (err) {
    return err as { code?: string; constraint?: string };
  }
  throw new Error(`expected the database to refuse: ${sql}`);
}

const insertVariant = `INSERT INTO product_variants (product_id, sku, option_values, price_minor, compare_at_price_minor, stock)
                       VALUES ($1, $2, $3, $4, $5, $6)`;

describe('when a variant that breaks a rule is inserted into the migrated database', () => {
  test.each([
    ['a negative stock', ['{"Size":"L"}', 1000, null, -1], '23514', 'product_variants_stock_nonnegative'],
    ['a negative price', ['{"Size":"L"}', -1, null, 1], '23514', 'product_variants_price_nonnegative'],
    ['a compare-at price equal to the price', ['{"Size":"L"}', 1000, 1000, 1], '23514', 'product_variants_compare_at_above_price'],
    ['a compare-at price below the price', ['{"Size":"L"}', 1000, 999, 1], '23514', 'product_variants_compare_at_above_price'],
    ['option values that are not an object', ['["L"]', 1000, null, 1], '23514', 'product_variants_option_values_object'],
    ['a second variant without options on a product without options', ['{}', 1000, null, 1], '23505', 'product_variants_product_id_option_values_key'],
  ])(
    'with %s, then the database refuses it by the constraint name and nothing changes',
    async (_story, [optionValues, price, compareAt, stock], code, constraint) => {
      const error = await refusal(insertVariant, [tee.id, `TEE-NEW-${randomUUID()}`, optionValues, price, compareAt, stock]);

      expect({ code: error.code, constraint: error.constraint }).toEqual({ code, constraint });
      const { rows } = await client.query('SELECT sku FROM product_variants WHERE product_id = $1', [tee.id]);
      expect(rows).toEqual([{ sku: 'TEE-001' }]);
    },
  );

  test("with another product's SKU, then the database refuses it by the unique SKU index", async () => {
    const error = await refusal(insertVariant, [tee.id, mug.sku, '{"Size":"L"}', 1000, null, 1]);

    expect({ code: error.code, constraint: error.constraint }).toEqual({ code: '23505', constraint: 'product_variants_sku_key' });
  });
});

type Summary = { price_min_minor: number | null; price_max_minor: number | null; variant_skus: string; xmin: string; updated_at: Date };
const summaryOf = async (productId: string): Promise<Summary> =>
  (
    await client.query<Summary>('SELECT price_min_minor, price_max_minor, variant_skus, xmin::text AS xmin, updated_at FROM products WHERE id = $1', [
      productId,
    ])
  ).rows[0];
const rangeOf = async (productId: string) => {
  const { price_min_minor, price_max_minor, variant_skus } = await summaryOf(productId);
  return { price_min_minor, price_max_minor, variant_skus };
};

/** A product made after the migration, with variants S (2500), M (1500) and L (3500) in that position order. */
async function productWithSizes(): Promise<{ id: string; skus: Record<'S' | 'M' | 'L', string> }> {
  const slug = `sized-${randomUUID()}`;
  const { rows } = await client.query<{ id: string }>(`INSERT INTO products (slug, title) VALUES ($1, 'Sized') RETURNING id`, [slug]);
  const id = rows[0].id;
  await client.query(`INSERT INTO product_options (product_id, name, "values") VALUES ($1, 'Size', ARRAY['S','M','L'])`, [id]);
  const skus = { S: `${slug}-s`, M: `${slug}-m`, L: `${slug}-l` };
  await client.query(
    `INSERT INTO product_variants (product_id, sku, option_values, price_minor, stock, position) VALUES
       ($1, $2, '{"Size":"S"}', 2500, 5, 0), ($1, $3, '{"Size":"M"}', 1500, 5, 1), ($1, $4, '{"Size":"L"}', 3500, 5, 2)`,
    [id, skus.S, skus.M, skus.L],
  );
  return { id, skus };
}

describe('when variants change in the migrated database, the product summary follows', () => {
  test('when a product gets its variants, then its range spans their prices and its SKU list names them in position order', async () => {
    const { id, skus } = await productWithSizes();

    expect(await rangeOf(id)).toEqual({ price_min_minor: 1500, price_max_minor: 3500, variant_skus: `${skus.S} ${skus.M} ${skus.L}` });
  });

  test("when a migrated product's variant changes price, then the product's range is that price", async () => {
    await client.query('UPDATE product_variants SET price_minor = 2199 WHERE id = $1', [tee.id]);

    expect(await rangeOf(tee.id)).toEqual({ price_min_minor: 2199, price_max_minor: 2199, variant_skus: 'TEE-001' });
  });

  test("when a migrated product's only variant is deactivated, then the product is not for sale, and is again once reactivated", async () => {
    await client.query('UPDATE product_variants SET active = false WHERE id = $1', [mug.id]);

    expect(await rangeOf(mug.id)).toEqual({ price_min_minor: null, price_max_minor: null, variant_skus: '' });
    await client.query('UPDATE product_variants SET active = true WHERE id = $1', [mug.id]);
    expect(await rangeOf(mug.id)).toEqual({ price_min_minor: 1250, price_max_minor: 1250, variant_skus: 'MUG-004' });
  });

  test('when the cheapest variant is deactivated and another is repriced, then the range covers only the active ones', async () => {
    const { id, skus } = await productWithSizes();

    await client.query('UPDATE product_variants SET active = false WHERE sku = $1', [skus.M]);
    await client.query('UPDATE product_variants SET price_minor = 4000 WHERE sku = $1', [skus.L]);

    expect(await rangeOf(id)).toEqual({ price_min_minor: 2500, price_max_minor: 4000, variant_skus: `${skus.S} ${skus.L}` });
  });

  test("when a variant's SKU changes, then the product's SKU list has the new one", async () => {
    await client.query(`UPDATE product_variants SET sku = 'STK-003-B' WHERE id = $1`, [sticker.id]);

    expect(await rangeOf(sticker.id)).toEqual({ price_min_minor: 0, price_max_minor: 0, variant_skus: 'STK-003-B' });
  });

  test('when variants are deleted, then the range and SKU list lose them, down to nothing for sale', async () => {
    const { id, skus } = await productWithSizes();

    await client.query('DELETE FROM product_variants WHERE sku = $1', [skus.M]);
    expect(await rangeOf(id)).toEqual({ price_min_minor: 2500, price_max_minor: 3500, variant_skus: `${skus.S} ${skus.L}` });
    await client.query('DELETE FROM product_variants WHERE product_id = $1', [id]);
    expect(await rangeOf(id)).toEqual({ price_min_minor: null, price_max_minor: null, variant_skus: '' });
  });

  test('when only stock changes (as checkout does), then the product row is not touched at all', async () => {
    const { id, skus } = await productWithSizes();
    const beforeStock = await summaryOf(id);
    const migratedBefore = await summaryOf(hoodie.id);

    await client.query('UPDATE product_variants SET stock = stock - 1 WHERE product_id = $1', [id]);
    await client.query('UPDATE product_variants SET stock = 0 WHERE id = $1', [hoodie.id]);
    // an update that names summarised columns but changes none of them
    await client.query('UPDATE product_variants SET stock = stock + 1, price_minor = price_minor, active = active WHERE sku = $1', [skus.S]);

    expect(await summaryOf(id)).toEqual(beforeStock);
    expect(await summaryOf(hoodie.id)).toEqual(migratedBefore);
    const { rows } = await client.query('SELECT stock FROM product_variants WHERE product_id = $1 ORDER BY position', [id]);
    expect(rows).toEqual([{ stock: 5 }, { stock: 4 }, { stock: 4 }]);
  });
});

describe('when staff deletes a migrated product after the migration', () => {
  test('then its variant and cart lines go, and its order lines keep their snapshot with neither product nor variant', async () => {
    await client.query('DELETE FROM products WHERE id = $1', [hoodie.id]);

    const variants = await client.query('SELECT id FROM product_variants WHERE id = $1', [hoodie.id]);
    expect(variants.rows).toEqual([]);
    const cart = await client.query('SELECT variant_id FROM cart_items WHERE cart_id = $1', [ids.gracesCart]);
    expect(cart.rows).toEqual([]);
    const lines = await client.query(`SELECT product_id, variant_id, sku, title, quantity FROM order_items WHERE order_id = $1`, [ids.cancelledOrder]);
    expect(lines.rows).toEqual([{ product_id: null, variant_id: null, sku: 'HOOD-002', title: 'The hoodie', quantity: 1 }]);
  });
});
