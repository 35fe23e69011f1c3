import { readdirSync } from 'node:fs';
import express from 'express';
import pg from 'pg';
import supertest from 'supertest';
import { startTestApp, useTestShop } from './helpers/test-app.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';
import { createProduct, stockOf } from './helpers/fixtures.js';
import { loadConfig, ConfigError } from '../src/config.js';
import { problemHandler } from '../src/shared/errors.js';
import { createLogger } from '../src/shared/logger.js';
import { seedDemoCatalog } from '../prisma/demo-catalog.js';
import { migrate } from '../src/shared/migrate.js';

const shop = useTestShop();

describe('GET /healthz and /readyz', () => {
  test('when the process and database are up, then both answer 200', async () => {
    await shop.request.get('/healthz').expect(200, { status: 'ok' });
    await shop.request.get('/readyz').expect(200, { status: 'ready' });
  });

  test('when the database goes away, then /readyz answers 503 problem+json with Retry-After and recovers by itself', async () => {
    const url = new URL(shop.config.DATABASE_URL!);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
    url.port = String(proxy.port);
    const viaProxy = await startTestApp({ databaseUrl: url.toString() });
    try {
      await viaProxy.request.get('/readyz').expect(200);

      proxy.cut();
      const down = await viaProxy.request.get('/readyz');
      expect(down.status).toBe(503);
      expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(down.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(down.headers['retry-after']).toBe('2');

      proxy.restore();
      await viaProxy.request.get('/readyz').expect(200);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });
});

describe('error answers', () => {
  test('when a route does not exist, then 404 problem+json with a stable code', async () => {
    const res = await shop.request.get('/no-such-route').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', title: 'Not found' });
  });

  test('when the JSON body is malformed, then 400 problem+json', async () => {
    const res = await shop.request.post('/api/cart/items').set('Content-Type', 'application/json').send('{"variantId": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('MALFORMED_BODY');
  });

  test('when the body is larger than the limit, then 413 problem+json', async () => {
    const res = await shop.request
      .post('/api/cart/items')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ padding: 'x'.repeat(200_000) }));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('BODY_TOO_LARGE');
  });

  test('when a form has more fields than the parser reads, then 413 BODY_TOO_LARGE', async () => {
    const form = Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&');
    const res = await shop.request.post('/api/cart/items').set('Content-Type', 'application/x-www-form-urlencoded').send(form);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('BODY_TOO_LARGE');
  });

  test('when a path parameter is not valid percent-encoding, then 400 BAD_REQUEST, not a 500', async () => {
    const res = await shop.request.get('/api/products/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('BAD_REQUEST');
  });

  test('when a handler fails unexpectedly, then 500 problem+json without internals', async () => {
    const app = express();
    // A route of the contract, so the answer is checked against its declared 500
    app.get('/healthz', () => {
      throw new Error('secret internal detail at /srv/app.ts:42');
    });
    app.use(problemHandler(createLogger('silent')));
    const res = await supertest(app).get('/healthz').expect(500);
    expect(res.body.code).toBe('INTERNAL_ERROR');
    expect(res.text).not.toMatch(/secret internal detail|app\.ts/);
  });

  test('when a request carries X-Request-Id, then the answer echoes it; otherwise one is made', async () => {
    const echoed = await shop.request.get('/healthz').set('X-Request-Id', 'req-abc.123');
    expect(echoed.headers['x-request-id']).toBe('req-abc.123');
    const made = await shop.request.get('/healthz');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('configuration', () => {
  test('when a value is invalid, then start-up stops with one line naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT: /);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  test('when nothing is set, then the defaults make a working development configuration', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, NODE_ENV: 'development', ORDER_TTL_MINUTES: 30, STORE_CURRENCY: 'USD' });
  });
});

describe('demo catalog seed', () => {
  test('when seeded twice, then the 33 demo products (30 without options, 3 in sizes or colours) exist once, some inactive and some out of stock', async () => {
    const first = await seedDemoCatalog(shop.db.prisma);
    const second = await seedDemoCatalog(shop.db.prisma);
    expect(first).toBe(33);
    expect(second).toBe(0);
    const { rows } = await shop.db.pool.query(
      `SELECT count(*) AS total, count(*) FILTER (WHERE NOT active) AS inactive, count(DISTINCT category_id) AS categories,
              count(*) FILTER (WHERE (SELECT sum(v.stock) FROM product_variants v WHERE v.product_id = p.id) = 0) AS sold_out,
              count(*) FILTER (WHERE price_min_minor IS NULL) AS not_for_sale,
              (SELECT count(*) FROM product_variants WHERE sku LIKE 'DEMO-%') AS variants
         FROM products p`,
    );
    expect(rows[0]).toEqual({ total: 33, inactive: 3, sold_out: 3, categories: 5, not_for_sale: 0, variants: 42 });
    // and the delivery a buyer needs to check out: once, however often it is seeded
    const delivery = await shop.db.pool.query(
      `SELECT (SELECT count(*) FROM shipping_zones WHERE name IN ('Bangladesh', 'North America', 'Europe')) AS zones,
              (SELECT count(*) FROM shipping_methods m JOIN shipping_zones z ON z.id = m.zone_id WHERE z.name IN ('Bangladesh', 'North America', 'Europe')) AS methods,
              (SELECT count(*) FROM shipping_methods WHERE cod_enabled) AS cod_methods,
              (SELECT count(*) FROM carriers WHERE tracking_url_template LIKE '%{tracking}%') AS carriers,
              (SELECT count(*) FROM tax_rates) AS tax_rates`,
    );
    expect(delivery.rows[0]).toEqual({ zones: 3, methods: 5, cod_methods: 1, carriers: 2, tax_rates: 3 });
    const options = await shop.request.get('/api/shipping-options').query({ country: 'BD' }).expect(200);
    expect(options.body.items.map((m: { name: string }) => m.name)).toEqual(expect.arrayContaining(['Standard (Bangladesh)', 'Express (Bangladesh)']));
  });
});

describe('database rules', () => {
  test("when code tries to take a variant's stock below zero, then the database refuses it", async () => {
    const product = await createProduct(shop.db.pool, { stock: 2 });

    await expect(shop.db.pool.query(`UPDATE product_variants SET stock = stock - 3 WHERE id = $1`, [product.variantId])).rejects.toThrow(
      /product_variants_stock_nonnegative/,
    );

    expect(await stockOf(shop.db.pool, product)).toBe(2);
  });
});

describe('migrations at start-up', () => {
  test('when the database is empty, then migrate applies every migration, and a second run changes nothing', async () => {
    const admin = new pg.Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
    await admin.connect();
    const name = `shop_m_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.TEST_PG_ADMIN_URL!);
    url.pathname = `/${name}`;
    try {
      await migrate(url.toString());
      await migrate(url.toString());

      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL`);
      const tables = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
      await client.end();
      expect(rows[0].n).toBe(readdirSync('prisma/migrations', { withFileTypes: true }).filter((d) => d.isDirectory()).length);
      expect(tables.rows[0].n).toBeGreaterThanOrEqual(14);
    } finally {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
