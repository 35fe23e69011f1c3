// Checkout under contention: many buyers at once, every cart holding one hot variant (plenty of
// stock, so every checkout locks the same row) plus two of many cold variants (of products with
// a Size option, two variants each, so the order lines carry variant titles). Each buyer checks
// out once from a cart filled at set-up, so the timed operation is the checkout alone; a bounded
// pool of requests (autocannon cannot refill a cart between requests) keeps `concurrency` in flight.
//   app      POST /api/checkout over HTTP with an Idempotency-Key, through the whole app
//   ceiling  the same transaction the route runs (runIdempotently + checkout) straight through pg,
//            at the same concurrency with as many connections as the server processes have
import pg from 'pg';
import { checkout } from '../../../src/orders/checkout.js';
import { resolveDelivery } from '../../../src/orders/delivery.js';
import { fingerprint, runIdempotently } from '../../../src/orders/idempotency.js';
import { checkoutBody } from '../../../src/orders/schemas.js';
import { parse } from '../../../src/shared/validation.js';
import { TEST_ADDRESS } from '../../helpers/delivery-fixtures.js';
import { runPool, type Row, type ServerProcess } from '../kit.js';
import { label, type BenchContext, type Customer } from './context.js';
import { makeCustomers } from './cart.js';

const CONCURRENCY = 32;
const COLD_PRODUCTS = 100; // two variants each
const TTL_MINUTES = 30;
// Upper bounds: a run stops at ctx.seconds or when its buyers run out, whichever comes first.
const APP_BUYERS = 4000;
const CEILING_BUYERS = 8000;
const WARMUP_BUYERS = 150;

let hotAndCold: { hot: string; cold: string[] } | undefined;

/** The hot variant (a product without options) and the cold ones (two per product), by id. */
async function products(ctx: BenchContext) {
  if (hotAndCold) return hotAndCold;
  const prefix = `CHECKOUT-${ctx.runId}-`;
  const { rows } = await ctx.pool.query<{ id: string; hot: boolean }>(
    `WITH p AS (
       INSERT INTO products (slug, title) SELECT lower($2) || g, 'Checkout product ' || g FROM generate_series(0, $1::int) g
       RETURNING id, substr(slug, length($2) + 1)::int AS n),
     o AS (INSERT INTO product_options (product_id, name, "values") SELECT id, 'Size', ARRAY['S','M'] FROM p WHERE n > 0)
     INSERT INTO product_variants (product_id, sku, option_values, price_minor, stock, position)
     SELECT p.id, $2 || p.n || coalesce('-' || s.size, ''), CASE WHEN s.size IS NULL THEN '{}' ELSE jsonb_build_object('Size', s.size) END,
            100 + p.n + coalesce(s.i, 0) * 50, CASE WHEN p.n = 0 THEN 100000000 ELSE 1000000 END, coalesce(s.i, 0)
       FROM p LEFT JOIN (VALUES (0, 'S'), (1, 'M')) AS s(i, size) ON p.n > 0
     RETURNING id, option_values = '{}' AS hot`,
    [COLD_PRODUCTS, prefix],
  );
  return (hotAndCold = { hot: rows.find((r) => r.hot)!.id, cold: rows.filter((r) => !r.hot).map((r) => r.id) });
}

/** A 10% code with a usage limit, for every discounted checkout of the run: its row is as hot as the hot variant's. */
async function discountCode(ctx: BenchContext): Promise<string> {
  const { rows } = await ctx.pool.query<{ id: string }>(
    `INSERT INTO discount_codes (code, type, value, usage_limit) VALUES ('BENCH' || $1, 'percentage', 10, 100000000)
     ON CONFLICT (lower(code)) DO UPDATE SET active = true RETURNING id`,
    [ctx.runId],
  );
  return rows[0].id;
}

/** Buyers whose carts hold the hot variant and two cold ones (and the code, if given); tokens only when they go over HTTP. */
async function buyersWithCarts(ctx: BenchContext, prefix: string, count: number, withTokens: boolean, codeId: string | null): Promise<Customer[]> {
  const { hot, cold } = await products(ctx);
  const buyers = withTokens
    ? await makeCustomers(ctx, prefix, count)
    : (
        await ctx.pool.query<{ userId: string; clerkUserId: string }>(
          `INSERT INTO users (clerk_user_id, email) SELECT $1 || g, $1 || g || '@shop.test' FROM generate_series(1, $2::int) g ORDER BY g
           RETURNING id AS "userId", clerk_user_id AS "clerkUserId"`,
          [prefix, count],
        )
      ).rows.map((u) => ({ ...u, token: '' }));
  await ctx.pool.query(
    `WITH c AS (INSERT INTO carts (user_id, discount_code_id) SELECT unnest($1::uuid[]), $5::uuid RETURNING id, user_id),
          n AS (SELECT c.id, u.n FROM c JOIN unnest($1::uuid[]) WITH ORDINALITY AS u(user_id, n) USING (user_id))
     INSERT INTO cart_items (cart_id, variant_id, quantity)
     SELECT n.id, line.variant_id, line.quantity FROM n CROSS JOIN LATERAL (VALUES
       ($2::uuid, 1),
       (($3::uuid[])[1 + (n.n * 7) % $4], 2),
       (($3::uuid[])[1 + (n.n * 13 + 1) % $4], 1)) AS line(variant_id, quantity)
     ON CONFLICT DO NOTHING`,
    [buyers.map((b) => b.userId), hot, cold, cold.length, codeId],
  );
  return buyers;
}

/**
 * Every order ships to a New York address by a paid method, with New York's 8.875% sales tax on
 * each line: the checkout prices shipping and tax in its transaction, as a real one does.
 */
let delivery: object | undefined;

async function deliveryBody(ctx: BenchContext): Promise<object> {
  if (delivery) return delivery; // one method for every checkout scenario of the run
  const { rows } = await ctx.pool.query<{ id: string }>(
    `WITH zone AS (INSERT INTO shipping_zones (name, countries) VALUES ('Bench ' || $1, '{US}') RETURNING id)
     INSERT INTO shipping_methods (zone_id, name, price_minor, free_over_minor) SELECT id, 'Bench ground', 499, 1000000 FROM zone RETURNING id`,
    [ctx.runId],
  );
  await ctx.pool.query(`INSERT INTO tax_rates (name, country, region, rate_ppm) VALUES ('NY sales tax', 'US', 'NY', 88750) ON CONFLICT DO NOTHING`);
  delivery = { shippingAddress: TEST_ADDRESS, shippingMethodId: rows[0].id };
  return delivery;
}

/** `discounted`: every cart carries a 10% code, which checkout checks again and counts in its transaction. */
export async function checkoutScenario(ctx: BenchContext, servers: ServerProcess[], { discounted = false } = {}): Promise<Row> {
  const tag = `bench_checkout_${ctx.runId}_${servers.length}_${discounted ? 'd_' : ''}`;
  const codeId = discounted ? await discountCode(ctx) : null;
  const pids = servers.map((s) => s.pid);
  const body = await deliveryBody(ctx);
  const bodyText = JSON.stringify(body);
  const viaHttp = async (buyer: Customer, i: number) => {
    const res = await fetch(`${servers[i % servers.length].url}/api/checkout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer.token}`, 'idempotency-key': `bench-${buyer.userId}`, 'content-type': 'application/json' },
      body: bodyText,
    });
    await res.arrayBuffer();
    return res.status === 201;
  };
  // what the route does per request: parse the body, resolve the delivery, then the transaction
  const direct = (pool: pg.Pool) => async (buyer: Customer) => {
    const parsed = parse(checkoutBody, JSON.parse(bodyText));
    const keyed = { userId: buyer.userId, key: `bench-${buyer.userId}`, fingerprint: fingerprint('POST /api/checkout', parsed) };
    const delivery = await resolveDelivery(pool, { userId: buyer.userId, email: null }, parsed);
    const answer = await runIdempotently(pool, keyed, async (tx) => {
      const order = await checkout(tx, { userId: buyer.userId, currency: ctx.currency, ttlMinutes: TTL_MINUTES, delivery });
      return { status: 201, body: order, orderId: order.id };
    });
    return answer.status === 201;
  };
  const run = async (buyers: Customer[], op: (buyer: Customer, i: number) => Promise<boolean>) => {
    // buyers alternate between the servers, so each gets half the concurrency
    const indexed = buyers.map((buyer, i) => ({ buyer, i }));
    const pool = (items: typeof indexed, seconds: number) => runPool({ items, concurrency: CONCURRENCY, seconds, pids }, ({ buyer, i }) => op(buyer, i));
    await pool(indexed.slice(0, WARMUP_BUYERS), ctx.warmupSeconds);
    return pool(indexed.slice(WARMUP_BUYERS), ctx.seconds);
  };

  const appBuyers = await buyersWithCarts(ctx, `${tag}app_`, WARMUP_BUYERS + APP_BUYERS, true, codeId);
  const app = await run(appBuyers, viaHttp);
  const ceilingPool = new pg.Pool({ connectionString: ctx.databaseUrl, max: ctx.serverPoolSize * servers.length });
  try {
    const ceilingBuyers = await buyersWithCarts(ctx, `${tag}pg_`, WARMUP_BUYERS + CEILING_BUYERS, false, codeId);
    const ceiling = await run(ceilingBuyers, direct(ceilingPool));
    const name = `checkout, 1 hot + 2 cold variants${discounted ? ', a 10% code' : ''}, 32 in flight`;
    return { scenario: label(name, servers), app, ceiling, ceilingName: 'same transaction via pg' };
  } finally {
    await ceilingPool.end();
  }
}
