import { execFile } from 'node:child_process';
import { createMailer } from '../../src/notifications/mailer.js';
import { promisify } from 'node:util';
import supertest from 'supertest';
import { useTestShop } from '../helpers/test-app.js';
import { placeOrder } from '../helpers/orders-fixtures.js';
import { createDb } from '../../src/shared/db.js';
import { createLogger } from '../../src/shared/logger.js';
import { expireOverdueOrders, runExpiryPass } from '../../src/orders/expiry-job.js';
import { startJobEngine } from '../../src/jobs/job-engine.js';
import { orderJobs } from '../../src/orders/order-jobs.js';
import type { AppJobDeps } from '../../src/job-definitions.js';
import { configuredProviders } from '../../src/payments/providers/registry.js';
import { jobsFinished, sendJobs } from '../helpers/jobs-fixtures.js';
import { createOrder, createProduct, createUser, orderStatus, stockOf, type ProductFixture } from '../helpers/fixtures.js';

const shop = useTestShop();

/** `count` real orders of one unit each (stock taken), by distinct buyers, already past their expiry. */
async function overdueOrders(product: ProductFixture, count: number): Promise<{ orderId: string; token: string }[]> {
  const placed = [];
  for (let i = 0; i < count; i++) {
    const buyer = await createUser(shop.db.pool);
    const order = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity: 1 }]);
    placed.push({ orderId: order.id, token: buyer.token });
  }
  await shop.db.pool.query(`UPDATE orders SET expires_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])`, [placed.map((p) => p.orderId)]);
  return placed;
}

const historyOf = async (orderIds: string[]) =>
  (
    await shop.db.pool.query<{ order_id: string; from_status: string | null; to_status: string; actor: string }>(
      `SELECT order_id, from_status, to_status, actor FROM order_status_changes WHERE order_id = ANY($1::uuid[]) AND from_status IS NOT NULL`,
      [orderIds],
    )
  ).rows;

describe('expireOverdueOrders', () => {
  test('when unpaid orders are past their expiry, then they expire in batches with their stock back, and other orders are left alone', async () => {
    const product = await createProduct(shop.db.pool, { stock: 7 });
    const overdue = await overdueOrders(product, 5);
    const buyer = await createUser(shop.db.pool);
    const notYetDue = await placeOrder(shop.request, shop.db.pool, buyer, [{ variantId: product.variantId, quantity: 1 }]);
    const paidLongAgo = await createOrder(shop.db.pool, { userId: buyer.id, status: 'PAID', lines: [{ product: product, quantity: 1 }] }).then((o) => o.id);
    await shop.db.pool.query(`UPDATE orders SET expires_at = now() - interval '1 day' WHERE id = $1`, [paidLongAgo]);
    expect(await stockOf(shop.db.pool, product)).toBe(0);

    const expired = await expireOverdueOrders(shop.db.pool, { batchSize: 2 });

    expect(expired).toBe(5);
    expect(await stockOf(shop.db.pool, product)).toBe(5);
    const ids = overdue.map((o) => o.orderId);
    expect((await historyOf(ids)).map((h) => [h.from_status, h.to_status, h.actor])).toEqual(Array(5).fill(['AWAITING_PAYMENT', 'EXPIRED', 'system:expiry']));
    expect(await orderStatus(shop.db.pool, notYetDue.id)).toBe('AWAITING_PAYMENT');
    expect(await orderStatus(shop.db.pool, paidLongAgo)).toBe('PAID');
    expect(await expireOverdueOrders(shop.db.pool, { batchSize: 2 })).toBe(0);
  });

  test('when two instances run the job at the same moment, then each overdue order expires exactly once', async () => {
    const product = await createProduct(shop.db.pool, { stock: 30 });
    const overdue = await overdueOrders(product, 30);
    const other = createDb(shop.config.DATABASE_URL!, 4);
    try {
      const [byFirst, bySecond] = await Promise.all([expireOverdueOrders(shop.db.pool, { batchSize: 4 }), expireOverdueOrders(other.pool, { batchSize: 4 })]);

      expect(byFirst + bySecond).toBe(30);
      const history = await historyOf(overdue.map((o) => o.orderId));
      expect(history).toHaveLength(30);
      expect(new Set(history.map((h) => h.order_id)).size).toBe(30);
      expect(await stockOf(shop.db.pool, product)).toBe(30);
    } finally {
      await other.close();
    }
  });

  test('when customers cancel while the job expires the same orders, then each order ends once and its stock comes back once', async () => {
    const product = await createProduct(shop.db.pool, { stock: 20 });
    const overdue = await overdueOrders(product, 20);
    const http = supertest(await shop.listen());
    const other = createDb(shop.config.DATABASE_URL!, 4);
    try {
      const [cancels] = await Promise.all([
        Promise.all(overdue.map((o) => http.post(`/api/orders/${o.orderId}/cancel`).set('Authorization', `Bearer ${o.token}`))),
        expireOverdueOrders(shop.db.pool, { batchSize: 3 }),
        expireOverdueOrders(other.pool, { batchSize: 3 }),
      ]);

      const ids = overdue.map((o) => o.orderId);
      const history = await historyOf(ids);
      expect(history).toHaveLength(20);
      expect(new Set(history.map((h) => h.order_id)).size).toBe(20);
      expect(await stockOf(shop.db.pool, product)).toBe(20);
      for (const [i, res] of cancels.entries()) {
        const status = await orderStatus(shop.db.pool, ids[i]);
        if (res.status === 200) expect(status).toBe('CANCELLED');
        else expect([res.status, res.body.currentStatus, status]).toEqual([409, 'EXPIRED', 'EXPIRED']);
      }
    } finally {
      await other.close();
    }
  });
});

describe('runExpiryPass', () => {
  test('when idempotency keys are older than the TTL, then they are forgotten and newer ones kept', async () => {
    const buyer = await createUser(shop.db.pool);
    await shop.db.pool.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES ($1, 'old', 'h', now() - interval '49 hours'), ($1, 'recent', 'h', now() - interval '47 hours')`,
      [buyer.id],
    );

    const result = await runExpiryPass(shop.db.pool, { idempotencyTtlHours: 48 });

    expect(result.forgottenKeys).toBe(1);
    const { rows } = await shop.db.pool.query(`SELECT key FROM idempotency_keys WHERE user_id = $1`, [buyer.id]);
    expect(rows).toEqual([{ key: 'recent' }]);
  });

  test('when rate-limit windows have passed, then their counters are removed and live ones kept', async () => {
    await shop.db.pool.query(
      `INSERT INTO rate_limit_hits (key, hits, window_ends_at) VALUES ('test:old', 3, now() - interval '2 minutes'), ('test:live', 1, now() + interval '1 minute')`,
    );

    const result = await runExpiryPass(shop.db.pool, { idempotencyTtlHours: 48 });

    expect(result.purgedRateLimits).toBe(1);
    const { rows } = await shop.db.pool.query(`SELECT key FROM rate_limit_hits WHERE key LIKE 'test:%'`);
    expect(rows).toEqual([{ key: 'test:live' }]);
  });
});

describe('the orders-expire job', () => {
  test('when the job is set off three times at once on a worker, then each overdue order expires once, its stock comes back once, and every run completes', async () => {
    const product = await createProduct(shop.db.pool, { stock: 2 });
    const overdue = await overdueOrders(product, 2);
    const engine = await startJobEngine<AppJobDeps>({
      deps: {
        pool: shop.db.pool,
        logger: createLogger('silent'),
        config: shop.config,
        providers: configuredProviders(shop.config),
        mailer: createMailer(shop.config),
      },
      definitions: orderJobs,
      workers: true,
      pollingIntervalSeconds: 0.5,
    });
    let states: string[];
    try {
      const runs = await sendJobs(shop.db.pool, 'orders-expire', 3);
      states = await jobsFinished(shop.db.pool, runs);
    } finally {
      await engine.stop();
    }

    expect(states).toEqual(['completed', 'completed', 'completed']);
    for (const { orderId } of overdue) expect(await orderStatus(shop.db.pool, orderId)).toBe('EXPIRED');
    const history = await historyOf(overdue.map((o) => o.orderId));
    expect(history.filter((h) => h.to_status === 'EXPIRED')).toHaveLength(2);
    expect(await stockOf(shop.db.pool, product)).toBe(2);
  });
});

describe('npm run orders:expire', () => {
  test('when run once from the command line, then overdue orders expire and it says how many', async () => {
    const product = await createProduct(shop.db.pool, { stock: 2 });
    const overdue = await overdueOrders(product, 2);

    const { stdout } = await promisify(execFile)('node_modules/.bin/tsx', ['src/orders/expire-cli.ts'], {
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: shop.config.DATABASE_URL!, LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });

    expect(stdout).toMatch(/^Expired 2 order\(s\); forgot 0 idempotency key\(s\)\./);
    for (const o of overdue) expect(await orderStatus(shop.db.pool, o.orderId)).toBe('EXPIRED');
    expect(await stockOf(shop.db.pool, product)).toBe(2);
  });
});
