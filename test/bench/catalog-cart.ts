// Load test of the two hottest storefront routes: `npx tsx test/bench/catalog-cart.ts`.
//
// The app (createApp, every middleware, info-level logs written to /dev/null) and a bare
// Express "ceiling" that runs the same SQL through the same pool listen side by side on
// loopback; autocannon (50 connections, 10 s per side after a 2 s warm-up, in a worker thread) measures
// GET /api/products?limit=20 and POST /api/cart/items on each. The database is a fresh one on
// TEST_DATABASE_URL's server when that is set, otherwise an embedded PostgreSQL in a temp dir,
// migrated and seeded with the demo catalog. Nothing is left behind.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import pg from 'pg';
import { pino } from 'pino';
import autocannon, { type Result } from 'autocannon';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/shared/db.js';
import { migrate } from '../../src/shared/migrate.js';
import { startEmbeddedPostgres } from '../../src/shared/embedded-postgres.js';
import { generateRsaKeyPair, LOCAL_PUBLISHABLE_KEY, signSessionToken } from '../../src/auth/dev-keys.js';
import { userForIdentity } from '../../src/auth/users.js';
import { productListSql } from '../../src/catalog/products.js';
import { productListQuery } from '../../src/catalog/schemas.js';
import { addToCart } from '../../src/cart/cart-lines.js';
import { readCart } from '../../src/cart/read-cart.js';
import { seedDemoCatalog } from '../../prisma/demo-catalog.js';

const CONNECTIONS = 50;
const DURATION_SECONDS = 10;
const WARMUP_SECONDS = 2;
const CUSTOMERS = 200;
const CART_ADD_REQUEST = fileURLToPath(new URL('./cart-add-request.cjs', import.meta.url));

type Database = { url: string; drop(): Promise<void> };

async function startDatabase(): Promise<Database> {
  const name = `shop_bench_${randomBytes(4).toString('hex')}`;
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      async drop() {
        const client = new pg.Client({ connectionString: serverUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'shop-bench-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user and must reach its data
  const port = await freePort();
  const embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port, database: name, logger: pino({ level: 'silent' }) });
  return {
    url: embedded.url,
    async drop() {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = express().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }));
  });
}

/** The ceiling: no middleware but the body parser, the same statements, raw rows as JSON. */
function ceilingApp(db: Db, currency: string): express.Express {
  const listing = productListSql(productListQuery.parse({ limit: '20' }));
  const app = express();
  app.get('/api/products', async (_req, res) => {
    const [page, count] = await Promise.all([db.pool.query(listing.page), db.pool.query(listing.count)]);
    res.json({ items: page.rows, total: count.rows[0].total });
  });
  app.post('/api/cart/items', express.json(), async (req, res) => {
    const user = await userForIdentity(db.pool, { clerkUserId: req.get('x-bench-user')!, email: null, name: null, role: 'CUSTOMER' });
    await addToCart(db.pool, { userId: user.id, productId: req.body.productId, quantity: req.body.quantity });
    res.json(await readCart(db.pool, user.id, currency));
  });
  return app;
}

type Target = { path: string; method: 'GET' | 'POST'; before?: () => Promise<unknown> };
type Figures = { requestsPerSecond: number; p99: number; failures: number };

function load(baseUrl: string, target: Target, duration: number): Promise<Result> {
  return autocannon({
    url: baseUrl + target.path,
    connections: CONNECTIONS,
    duration,
    workers: 1, // the load generator gets its own thread, not the server's event loop
    method: target.method,
    ...(target.method === 'POST' ? { headers: { 'content-type': 'application/json' }, requests: [{ setupRequest: CART_ADD_REQUEST }] } : {}),
  });
}

/**
 * Each side runs as two half-length slices in the order app, ceiling, ceiling, app, so that
 * load from elsewhere on the machine, drifting over the run, weighs on both sides alike.
 */
async function compare(target: Target, appUrl: string, ceilingUrl: string): Promise<{ app: Figures; ceiling: Figures }> {
  for (const url of [appUrl, ceilingUrl]) {
    await target.before?.();
    await load(url, target, WARMUP_SECONDS);
  }
  const slices = { app: [] as Result[], ceiling: [] as Result[] };
  for (const side of ['app', 'ceiling', 'ceiling', 'app'] as const) {
    await target.before?.();
    slices[side].push(await load(side === 'app' ? appUrl : ceilingUrl, target, DURATION_SECONDS / 2));
  }
  const figures = (results: Result[]): Figures => ({
    requestsPerSecond: results.reduce((sum, r) => sum + r.requests.total, 0) / results.reduce((sum, r) => sum + r.duration, 0),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    failures: results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
  });
  return { app: figures(slices.app), ceiling: figures(slices.ceiling) };
}

async function main() {
  const database = await startDatabase();
  try {
    await migrate(database.url);
    const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'info', EXPIRY_JOB_INTERVAL_SECONDS: '0' });
    const db = createDb(database.url, config.DATABASE_POOL_SIZE);
    await seedDemoCatalog(db.prisma, config.STORE_CURRENCY);
    // Enough stock that adds are never refused for it (adds do not take stock).
    const { rows: products } = await db.pool.query<{ id: string }>(`UPDATE products SET stock = 1000000 WHERE active RETURNING id`);

    const keys = generateRsaKeyPair();
    const customers = await Promise.all(
      Array.from({ length: CUSTOMERS }, async (_, i) => {
        const clerkUserId = `bench_customer_${i}`;
        await userForIdentity(db.pool, { clerkUserId, email: null, name: null, role: 'CUSTOMER' });
        return { clerkUserId, token: await signSessionToken(keys.privateKeyPem, { userId: clerkUserId, ttlSeconds: 3600 }) };
      }),
    );
    const fixture = path.join(mkdtempSync(path.join(tmpdir(), 'shop-bench-fixture-')), 'cart.json');
    writeFileSync(fixture, JSON.stringify({ customers, productIds: products.map((p) => p.id) }));
    process.env.BENCH_CART_FIXTURE = fixture;

    const logger = pino({ level: config.LOG_LEVEL }, pino.destination({ dest: '/dev/null', sync: false }));
    const shop = await listen(
      createApp({ config, db, logger, clerk: { secretKey: 'sk_test_bench', publishableKey: LOCAL_PUBLISHABLE_KEY, jwtKey: keys.publicKeyPem, local: false } }),
    );
    const ceiling = await listen(ceilingApp(db, config.STORE_CURRENCY));

    // Each cart run starts from empty carts, so lines stay far below the 99 limit.
    const emptyCarts = () => db.pool.query('DELETE FROM cart_items');
    const targets: [string, Target][] = [
      ['GET /api/products?limit=20', { path: '/api/products?limit=20', method: 'GET' }],
      ['POST /api/cart/items', { path: '/api/cart/items', method: 'POST', before: emptyCarts }],
    ];
    const rows: string[][] = [];
    for (const [name, target] of targets) {
      const { app, ceiling: bare } = await compare(target, shop.url, ceiling.url);
      for (const [side, figures] of [['app', app], ['ceiling', bare]] as const) {
        if (figures.failures) console.warn(`${name} (${side}): ${figures.failures} answers were not 2xx or failed`);
      }
      rows.push([
        name,
        app.requestsPerSecond.toFixed(0),
        `${app.p99} ms`,
        bare.requestsPerSecond.toFixed(0),
        `${bare.p99} ms`,
        `${((app.requestsPerSecond / bare.requestsPerSecond) * 100).toFixed(0)}%`,
      ]);
    }
    printTable(['route', 'app req/s', 'app p99', 'ceiling req/s', 'ceiling p99', 'app/ceiling'], rows);

    await Promise.all([shop.server, ceiling.server].map((server) => new Promise((resolve) => server.close(resolve))));
    // requests autocannon gave up on at the end may still be running: let them finish first
    while (db.pool.totalCount > db.pool.idleCount) await new Promise((resolve) => setTimeout(resolve, 50));
    rmSync(path.dirname(fixture), { recursive: true, force: true });
    await db.close();
  } finally {
    await database.drop();
  }
}

function printTable(header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${CONNECTIONS} connections, ${DURATION_SECONDS} s per side in two alternating slices, after a ${WARMUP_SECONDS} s warm-up; p99 is the worse slice's\n`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
