// Checkout under contention: many buyers at once, every cart holding one hot product (plenty of
// stock, so every buyer locks the same row) plus two of many cold products.
//
//   npx tsx test/bench/checkout.ts            (embedded PostgreSQL in a temporary folder)
//   TEST_DATABASE_URL=postgresql://... npx tsx test/bench/checkout.ts   (a scratch database there)
//
// Two measurements with the same concurrency on the same database:
//   app      POST /api/checkout over HTTP (keep-alive), with an Idempotency-Key, through the whole app
//   ceiling  the same transaction the route runs (runIdempotently + checkout) straight through pg
// Every buyer checks out exactly once from a cart filled at set-up, so the timed operation is
// the checkout alone. Options (env): BENCH_CONCURRENCY (32), BENCH_CHECKOUTS (3000 per run),
// BENCH_POOL_SIZE (20, the app's default DATABASE_POOL_SIZE).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/shared/db.js';
import { createLogger } from '../../src/shared/logger.js';
import { migrate } from '../../src/shared/migrate.js';
import { startEmbeddedPostgres } from '../../src/shared/embedded-postgres.js';
import { generateRsaKeyPair, LOCAL_PUBLISHABLE_KEY, signSessionToken } from '../../src/auth/dev-keys.js';
import { checkout } from '../../src/orders/checkout.js';
import { fingerprint, runIdempotently } from '../../src/orders/idempotency.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 3000);
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 20);
const WARMUP = 200;
const MAX_SECONDS = Number(process.env.BENCH_MAX_SECONDS ?? 120); // per run: the loop stops by itself
const COLD_PRODUCTS = 200;
const TTL_MINUTES = 30;

type Buyer = { userId: string; clerkUserId: string; token: string };
type Result = { run: string; concurrency: number; checkouts: number; failures: number; seconds: number; perSecond: number; p50ms: number; p99ms: number };

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** A scratch database: on TEST_DATABASE_URL's server, or on an embedded server in a temporary folder. */
async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `shop_bench_${randomBytes(4).toString('hex')}`;
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), 'shop-bench-pg-'));
    chmodSync(dir, 0o755); // the server runs as the postgres user when we are root
    const embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port: await freePort(), database: name, logger: createLogger('silent') });
    return { url: embedded.url, drop: async () => (await embedded.stop(), rmSync(dir, { recursive: true, force: true })) };
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** One hot product, many cold ones, and `count` buyers whose carts hold the hot one plus two cold. */
async function seed(db: Db, count: number, privateKeyPem: string): Promise<{ buyers: Buyer[]; hotId: string }> {
  const { rows: products } = await db.pool.query<{ id: string }>(
    `INSERT INTO products (sku, slug, title, price_minor, stock)
     SELECT 'BENCH-' || g, 'bench-' || g, 'Bench product ' || g, 100 + g, CASE WHEN g = 0 THEN 100000000 ELSE 1000000 END
       FROM generate_series(0, $1) g ORDER BY g RETURNING id`,
    [COLD_PRODUCTS],
  );
  const [hot, ...cold] = products.map((p) => p.id);
  const { rows: users } = await db.pool.query<{ id: string; clerkUserId: string }>(
    `INSERT INTO users (clerk_user_id, email) SELECT 'bench_' || g, 'bench_' || g || '@example.test' FROM generate_series(1, $1) g ORDER BY g
     RETURNING id, clerk_user_id AS "clerkUserId"`,
    [count],
  );
  const { rows: carts } = await db.pool.query<{ id: string }>(`INSERT INTO carts (user_id) SELECT unnest($1::uuid[]) RETURNING id`, [users.map((u) => u.id)]);
  const lines = carts.flatMap((cart, i) => [hot, cold[(i * 7) % cold.length], cold[(i * 13 + 1) % cold.length]].map((productId, k) => ({ cartId: cart.id, productId, quantity: 1 + (k % 2) })));
  const unique = [...new Map(lines.map((l) => [`${l.cartId}/${l.productId}`, l])).values()];
  await db.pool.query(`INSERT INTO cart_items (cart_id, product_id, quantity) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[])`, [
    unique.map((l) => l.cartId),
    unique.map((l) => l.productId),
    unique.map((l) => l.quantity),
  ]);
  const buyers = await Promise.all(
    users.map(async (u) => ({ userId: u.id, clerkUserId: u.clerkUserId, token: await signSessionToken(privateKeyPem, { userId: u.clerkUserId, email: `${u.clerkUserId}@example.test` }) })),
  );
  return { buyers, hotId: hot };
}

/** Runs `op` once per buyer with at most `concurrency` in flight; times each operation. */
async function drive(run: string, buyers: Buyer[], op: (buyer: Buyer) => Promise<boolean>): Promise<Result> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + MAX_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < buyers.length && performance.now() < deadline) {
        const buyer = buyers[next++];
        const t0 = performance.now();
        const ok = await op(buyer).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] * 10) / 10;
  return { run, concurrency: CONCURRENCY, checkouts: latencies.length, failures, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round((latencies.length - failures) / seconds), p50ms: at(0.5), p99ms: at(0.99) };
}

async function main() {
  const database = await scratchDatabase();
  await migrate(database.url);
  const keys = generateRsaKeyPair();
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: database.url, DATABASE_POOL_SIZE: String(POOL_SIZE), EXPIRY_JOB_INTERVAL_SECONDS: '0', RATE_LIMIT_WRITES_PER_WINDOW: '1000000000' });
  const appDb = createDb(database.url, POOL_SIZE);
  const directDb = createDb(database.url, POOL_SIZE);
  const app = createApp({ config, db: appDb, logger: createLogger('silent'), clerk: { secretKey: 'sk_test_bench', publishableKey: LOCAL_PUBLISHABLE_KEY, jwtKey: keys.publicKeyPem, local: false } });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const total = 2 * (WARMUP + CHECKOUTS);
    console.log(`Seeding ${total} buyers with carts (1 hot + 2 of ${COLD_PRODUCTS} cold products)...`);
    const { buyers, hotId } = await seed(appDb, total, keys.privateKeyPem);
    const [appWarmup, appRun, directWarmup, directRun] = [0, 1, 2, 3].map((i) => {
      const from = Math.floor(i / 2) * (WARMUP + CHECKOUTS) + (i % 2) * WARMUP;
      return buyers.slice(from, from + (i % 2 ? CHECKOUTS : WARMUP));
    });

    const viaHttp = async (buyer: Buyer) => {
      const res = await fetch(`${base}/api/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${buyer.token}`, 'idempotency-key': `bench-${buyer.userId}`, 'content-type': 'application/json' },
        body: '{}',
      });
      await res.arrayBuffer();
      return res.status === 201;
    };
    const direct = async (buyer: Buyer) => {
      const keyed = { userId: buyer.userId, key: `bench-${buyer.userId}`, fingerprint: fingerprint('POST /api/checkout', {}) };
      const answer = await runIdempotently(directDb.pool, keyed, async (tx) => {
        const order = await checkout(tx, { userId: buyer.userId, currency: config.STORE_CURRENCY, ttlMinutes: TTL_MINUTES });
        return { status: 201, body: order, orderId: order.id };
      });
      return answer.status === 201;
    };

    await drive('app warm-up', appWarmup, viaHttp);
    const app = await drive('app (HTTP)', appRun, viaHttp);
    await drive('ceiling warm-up', directWarmup, direct);
    const ceiling = await drive('ceiling (pg)', directRun, direct);

    const { rows } = await appDb.pool.query(
      `SELECT (SELECT stock FROM products WHERE id = $1) AS hot_stock, (SELECT count(*) FROM orders) AS orders, (SELECT min(stock) FROM products) AS min_stock`,
      [hotId],
    );
    console.table([app, ceiling]);
    console.log(`Orders made: ${rows[0].orders} (expected ${total}); hot product stock ${rows[0].hot_stock} (expected ${100000000 - total}); lowest stock ${rows[0].min_stock}`);
    console.log(`App reaches ${Math.round((100 * app.perSecond) / ceiling.perSecond)}% of the ceiling's checkouts/s.`);
    const resultsDir = new URL('./results/', import.meta.url);
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(new URL(`checkout-${new Date().toISOString().replaceAll(':', '-')}.json`, resultsDir), JSON.stringify({ app, ceiling, poolSize: POOL_SIZE }, null, 2));
  } finally {
    server.closeAllConnections();
    server.close();
    await appDb.close();
    await directDb.close();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
