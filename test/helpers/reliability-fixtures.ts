// The reliability suite's app instances: the real app in its own process (test/bench/server.ts),
// configured like the in-process test app, and reached over HTTP like production.
import { readFileSync } from 'node:fs';
import supertest from 'supertest';
import { startServerProcess, type ServerProcess } from '../bench/kit.js';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/auth/dev-keys.js';

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
    EXPIRY_JOB_INTERVAL_SECONDS: '0',
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

/** Per product: ordered quantities (orders of any status) and remaining stock, to check nothing leaked. */
export async function stockLedger(pool: { query: (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }> }, productIds: string[]) {
  const { rows } = await pool.query(
    `SELECT p.id, p.stock,
            coalesce((SELECT sum(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id
                       WHERE i.product_id = p.id AND o.status NOT IN ('CANCELLED', 'EXPIRED')), 0)::int AS held
       FROM products p WHERE p.id = ANY($1::uuid[]) ORDER BY p.id`,
    [productIds],
  );
  return rows as { id: string; stock: number; held: number }[];
}

/** Orders whose item_count disagrees with their lines, or that have no lines at all. */
export async function partialOrders(pool: { query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }> }) {
  const { rows } = await pool.query(
    `SELECT o.id FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
      GROUP BY o.id HAVING count(i.id) = 0 OR o.item_count <> coalesce(sum(i.quantity), 0) OR o.subtotal_minor <> coalesce(sum(i.line_total_minor), 0)`,
  );
  return rows;
}
