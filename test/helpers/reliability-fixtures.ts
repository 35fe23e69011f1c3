// The reliability suite's app instances: the real app in its own process (test/bench/server.ts),
// configured like the in-process test app, and reached over HTTP like production.
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import supertest from 'supertest';
import { startServerProcess, type ServerProcess } from '../bench/kit.js';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/auth/dev-keys.js';
import { fillCart, type Line } from './orders-fixtures.js';
import { createUser, type UserFixture } from './fixtures.js';
import { ledgerBalance } from './stock-ledger.js';

export type ShopProcess = ServerProcess & { request: ReturnType<typeof supertest> };

/** One app process on `databaseUrl`; `env` adds or overrides settings (e.g. the expiry interval). */
export async function startShopProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ShopProcess> {
  const server = await startServerProcess({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '10',
    CLERK_JWT_KEY: process.env.TEST_CLERK_PUBLIC_KEY!,
    CLERK_SECRET_KEY: 'sk_test_tests',
    CLERK_PUBLISHABLE_KEY: LOCAL_PUBLISHABLE_KEY,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_WRITES_PER_WINDOW: '1000000',
    JOBS_POLL_INTERVAL_SECONDS: '0.5',
    ...env,
  });
  return { ...server, request: supertest(server.url) };
}

/** The process's resident memory in bytes (Linux). */
export const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

/** Polls `check` until it is true or `timeoutMs` passes; answers whether it became true. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Per variant: ordered quantities (orders of any status) and remaining stock, to check nothing leaked. */
export async function stockLedger(pool: pg.Pool, variantIds: string[]) {
  const { rows } = await pool.query(
    `SELECT v.id, v.stock,
            coalesce((SELECT sum(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id
                       WHERE i.variant_id = v.id AND o.status NOT IN ('CANCELLED', 'EXPIRED')), 0)::int AS held
       FROM product_variants v WHERE v.id = ANY($1::uuid[]) ORDER BY v.id`,
    [variantIds],
  );
  return rows as { id: string; stock: number; held: number }[];
}

/** Orders whose item_count disagrees with their lines, or that have no lines at all. */
export async function partialOrders(pool: pg.Pool) {
  const { rows } = await pool.query(
    `SELECT o.id FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
      GROUP BY o.id HAVING count(i.id) = 0 OR o.item_count <> coalesce(sum(i.quantity), 0) OR o.subtotal_minor <> coalesce(sum(i.line_total_minor), 0)`,
  );
  return rows;
}

/** `count` buyers, buyer i with exactly `cartOf(i)` in the cart. */
export async function buyersWithCarts(pool: pg.Pool, count: number, cartOf: (i: number) => Line[]): Promise<UserFixture[]> {
  const buyers = await Promise.all(Array.from({ length: count }, () => createUser(pool)));
  for (const [i, buyer] of buyers.entries()) await fillCart(pool, buyer.id, cartOf(i));
  return buyers;
}

const byVariant = (lines: Line[]) => [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1));

/**
 * What a checkout left for a buyer who had `cart`: 'placed' (one order holding the cart, the cart
 * emptied), 'untouched' (no order, the cart as it was) or 'partial' (anything else: a bug).
 */
export async function checkoutOutcome(pool: pg.Pool, buyer: UserFixture, cart: Line[]): Promise<'placed' | 'untouched' | 'partial'> {
  const { rows } = await pool.query<{ carted: Line[] | null; ordered: Line[] | null; orders: number }>(
    `SELECT (SELECT json_agg(json_build_object('variantId', ci.variant_id, 'quantity', ci.quantity) ORDER BY ci.variant_id)
               FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE c.user_id = $1) AS carted,
            (SELECT json_agg(json_build_object('variantId', i.variant_id, 'quantity', i.quantity) ORDER BY i.variant_id)
               FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.user_id = $1) AS ordered,
            (SELECT count(*)::int FROM orders WHERE user_id = $1) AS orders`,
    [buyer.id],
  );
  const { carted, ordered, orders } = rows[0];
  const same = (lines: Line[] | null) => JSON.stringify(lines ?? []) === JSON.stringify(byVariant(cart));
  if (orders === 1 && !carted && same(ordered)) return 'placed';
  if (orders === 0 && same(carted)) return 'untouched';
  return 'partial';
}

/**
 * Every reliability file's last test: after its load, each variant's movements add up to its
 * stock, and the movements go into the run's counts. `pool` is read when the test runs (the
 * database is made in beforeAll).
 */
export function checkTheLedgerAfterTheLoad(pool: () => pg.Pool, counts: { stockMovements: number }) {
  describe('the stock ledger after the load', () => {
    test("when the tests above are done, then every variant's movements add up to its stock", async () => {
      const { unbalanced, movements } = await ledgerBalance(pool());
      counts.stockMovements = movements;
      expect(unbalanced).toEqual([]);
      expect(movements).toBeGreaterThan(0);
    });
  });
}
