// The database misbehaves under a running app process: its connections are killed mid-checkout,
// then the database vanishes altogether. Nothing half-done may remain, the app answers 503 while
// it cannot work, and it recovers by itself.
import pg from 'pg';
import { createTestDatabase } from '../helpers/test-app.js';
import { createDb, type Db } from '../../src/shared/db.js';
import { checkoutAs, type Line } from '../helpers/orders-fixtures.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import {
  buyersWithCarts,
  checkoutOutcome,
  checkTheLedgerAfterTheLoad,
  eventually,
  partialOrders,
  startShopProcess,
  stockLedger,
  type ShopProcess,
} from '../helpers/reliability-fixtures.js';
import { reportCounts } from './report.js';
import { createProduct, createProductWithVariants, createUser, type UserFixture } from '../helpers/fixtures.js';

// The test's own connections are spared by the connection killer.
const SPARED = 'reliability-test';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
const counts = { requestsSent: 0, faultsInjected: 0, ordersChecked: 0, stockMovements: 0 };

const withAppName = (url: string) => {
  const u = new URL(url);
  u.searchParams.set('application_name', SPARED);
  return u.toString();
};

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(withAppName(database.url), 4);
});
afterAll(async () => {
  await db.close();
  await database.drop();
  reportCounts('database-faults', counts);
});

/** Terminates every backend of the test database but the test's own, every `everyMs`, until stopped. */
function startConnectionKiller(everyMs: number) {
  const admin = new pg.Client({ connectionString: withAppName(database.url) });
  let stopped = false;
  const done = (async () => {
    await admin.connect();
    while (!stopped) {
      const { rows } = await admin.query(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> $1`,
        [SPARED],
      );
      counts.faultsInjected += rows[0].killed;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    await admin.end();
  })();
  return async () => {
    stopped = true;
    await done;
  };
}

/** Sends `work` for every item, at most `concurrency` at a time. */
async function inWaves<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

describe('connections killed during a checkout load', () => {
  let shop: ShopProcess;
  beforeAll(async () => {
    shop = await startShopProcess(database.url);
  });
  afterAll(() => shop.stop());

  test('when the app’s connections are terminated again and again, then no partial order, only 201/409/503, and the app recovers by itself', async () => {
    const STOCK = 60;
    // Three products without options and one in two sizes: five variants, two of them of one product.
    const plain = await Promise.all(Array.from({ length: 3 }, () => createProduct(db.pool, { stock: STOCK })));
    const sized = await createProductWithVariants(db.pool, { options: [{ name: 'Size', values: ['S', 'M'] }], stock: STOCK });
    const variantIds = [...plain.map((p) => p.variantId), ...sized.variants.map((v) => v.id)];
    const cartOf = (i: number): Line[] =>
      Array.from({ length: 1 + (i % 3) }, (_, k) => ({ variantId: variantIds[(i + k) % variantIds.length], quantity: 1 + ((i + k) % 2) }));
    const buyers = await buyersWithCarts(db.pool, 240, cartOf);

    const stopKiller = startConnectionKiller(100);
    const answers = await inWaves(buyers, 30, (buyer) => checkoutAs(shop.request, buyer)).finally(stopKiller);
    counts.requestsSent += answers.length;

    expect(counts.faultsInjected).toBeGreaterThan(0);
    expect(answers.map((r) => r.status).filter((s) => ![201, 409, 503].includes(s))).toEqual([]);
    for (const unavailable of answers.filter((r) => r.status === 503)) {
      expect(unavailable.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(unavailable.headers['retry-after']).toBeDefined();
    }
    expect(await partialOrders(db.pool)).toEqual([]);
    for (const { stock, held } of await stockLedger(db.pool, variantIds)) {
      expect(stock).toBeGreaterThanOrEqual(0);
      expect(stock + held).toBe(STOCK);
    }
    // A checkout either happened whole (order = cart, cart emptied) or not at all (cart untouched).
    // A 503 may still have committed: the connection can die between COMMIT and its answer.
    const unplaced: UserFixture[] = [];
    for (const [i, buyer] of buyers.entries()) {
      const outcome = await checkoutOutcome(db.pool, buyer, cartOf(i));
      if (answers[i].status === 201) expect(outcome).toBe('placed');
      else if (answers[i].status === 409) expect(outcome).toBe('untouched');
      else expect(outcome).not.toBe('partial');
      if (outcome === 'untouched') unplaced.push(buyer);
    }
    counts.ordersChecked += buyers.length;

    // The pool replaces its dead connections by itself: the left-over carts check out cleanly.
    expect(await eventually(async () => (await shop.request.get('/api/products')).status === 200, 10_000)).toBe(true);
    const retries = await inWaves(unplaced, 10, (buyer) => checkoutAs(shop.request, buyer));
    counts.requestsSent += retries.length + 1;
    expect(retries.map((r) => r.status).filter((s) => s !== 201 && s !== 409)).toEqual([]);
    for (const { stock, held } of await stockLedger(db.pool, variantIds)) expect(stock + held).toBe(STOCK);
    expect(await partialOrders(db.pool)).toEqual([]);
  });
});

describe('the database goes away', () => {
  test('when the connection to the database is cut, then 503 problem+json with Retry-After, and 2xx again once it is back, without a restart', async () => {
    const target = new URL(database.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(database.url);
    proxied.port = String(proxy.port);
    const shop = await startShopProcess(proxied.toString());
    try {
      const product = await createProduct(db.pool, { stock: 100 });
      const buyer = await createUser(db.pool);
      const auth = `Bearer ${buyer.token}`;
      const requests = () => [
        shop.request.get('/api/products'),
        shop.request.get(`/api/products/${product.id}`),
        shop.request.get('/api/cart').set('Authorization', auth),
        shop.request.post('/api/cart/items').set('Authorization', auth).send({ variantId: product.variantId, quantity: 1 }),
        shop.request.get('/api/orders').set('Authorization', auth),
        shop.request.get('/readyz'),
      ];
      const ok = (answers: { status: number }[]) => answers.every((r) => r.status >= 200 && r.status < 300);
      expect(ok(await Promise.all(requests()))).toBe(true);

      proxy.cut();
      counts.faultsInjected++;
      const whileGone = await Promise.all(requests());
      counts.requestsSent += 12;

      expect(whileGone.map((r) => r.status)).toEqual(Array(6).fill(503));
      for (const answer of whileGone) {
        expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(answer.headers['retry-after']).toBeDefined();
      }

      proxy.restore();
      expect(await eventually(async () => (await shop.request.get('/readyz')).status === 200, 10_000)).toBe(true);
      const afterwards = await Promise.all(requests());
      counts.requestsSent += 6;
      expect(afterwards.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const { rows: cart } = await db.pool.query(`SELECT ci.quantity FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE c.user_id = $1`, [buyer.id]);
      expect(cart).toEqual([{ quantity: 2 }]);
    } finally {
      await shop.stop();
      await proxy.close();
    }
  });
});

checkTheLedgerAfterTheLoad(() => db.pool, counts);
