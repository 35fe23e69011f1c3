// A soak: mixed shop traffic against one app process for SOAK_SECONDS (default 5 minutes); its
// memory must stay flat after the warm-up and no request may fail with a 5xx.
import { DELIVERY } from '../helpers/delivery-fixtures.js';
import http from 'node:http';
import { createTestDatabase } from '../helpers/test-app.js';
import { createDb, type Db } from '../../src/shared/db.js';
import { rssOf, startShopProcess, type ShopProcess } from '../helpers/reliability-fixtures.js';
import { reportCounts } from './report.js';
import { ledgerBalance } from '../helpers/stock-ledger.js';
import { createProduct, createProductWithVariants, createUser, type UserFixture } from '../helpers/fixtures.js';

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const WARM_UP_SECONDS = Math.min(30, Math.ceil(SOAK_SECONDS / 5));
const CLIENTS = 8;
// The loop is bounded in count as well as time, whatever the machine's speed.
const MAX_REQUESTS = SOAK_SECONDS * 500;
const MB = 1024 * 1024;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let shop: ShopProcess;
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 2);
  shop = await startShopProcess(database.url);
});
afterAll(async () => {
  agent.destroy();
  await shop.stop();
  await db.close();
  await database.drop();
});

/** One request over the keep-alive agent; answers the status (0 when the connection failed) and the JSON body. */
// The soak reads a few fields of many answers' shapes; the contract tests check the shapes themselves.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function call(method: string, path: string, token?: string, body?: object): Promise<{ status: number; json: any }> {
  return new Promise((resolve) => {
    const payload = body && JSON.stringify(body);
    const req = http.request(`${shop.url}${path}`, {
      method,
      agent,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(payload ? { 'Content-Type': 'application/json' } : {}) },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, json: res.headers['content-type']?.includes('json') && text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', () => resolve({ status: 0, json: undefined }));
    req.end(payload);
  });
}

describe('soak', () => {
  test(
    `when mixed traffic runs for ${SOAK_SECONDS} s, then no 5xx and the process memory stays flat after the warm-up`,
    async () => {
      // Half the catalog without options, half in two sizes and two colours: 50 variants to add.
      const stock = 1_000_000_000;
      const products = await Promise.all([
        ...Array.from({ length: 10 }, () => createProduct(db.pool, { stock })),
        ...Array.from({ length: 10 }, () =>
          createProductWithVariants(db.pool, {
            options: [
              { name: 'Size', values: ['S', 'M'] },
              { name: 'Colour', values: ['Red', 'Blue'] },
            ],
            stock,
          }),
        ),
      ]);
      const variantIds = products.flatMap((p) => ('variants' in p ? p.variants.map((v) => v.id) : [p.variantId]));
      const buyers: UserFixture[] = await Promise.all(Array.from({ length: 40 }, () => createUser(db.pool)));
      const placed: { id: string; token: string }[] = [];
      const statuses: Record<number, number> = {};
      let sent = 0;
      // Reads dominate, as in a shop. Each round of 10 requests belongs to one buyer, who adds
      // two lines, checks out and reads orders.
      const buyerOf = (n: number) => buyers[Math.floor(n / 10) % buyers.length];
      // two neighbouring variants a round, seven further on each round: every variant in turn
      const variantOf = (n: number) => variantIds[(Math.floor(n / 10) * 7 + (n % 10)) % variantIds.length];
      const actions = [
        ...Array(4).fill(() => call('GET', '/api/products?limit=20')),
        ...Array(2).fill((n: number) => call('GET', `/api/products/${products[n % products.length].id}`)),
        ...Array(2).fill((n: number) => call('POST', '/api/cart/items', buyerOf(n).token, { variantId: variantOf(n), quantity: 1 })),
        (n: number) => call('POST', '/api/checkout', buyerOf(n).token, DELIVERY),
        (n: number) => {
          const order = placed[n % Math.max(1, placed.length)];
          return order && n % 2 ? call('GET', `/api/orders/${order.id}`, order.token) : call('GET', '/api/orders?limit=10', buyerOf(n).token);
        },
      ];

      const started = Date.now();
      const elapsed = () => (Date.now() - started) / 1000;
      let startRss = 0;
      let peakRss = 0;
      const sampler = setInterval(() => {
        const rss = rssOf(shop.pid);
        peakRss = Math.max(peakRss, rss);
        if (!startRss && elapsed() >= WARM_UP_SECONDS) startRss = rss;
      }, 1000);

      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (elapsed() < SOAK_SECONDS && sent < MAX_REQUESTS) {
            const n = sent++;
            const { status, json } = await actions[n % actions.length](n);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (status === 201 && json?.number !== undefined) placed.push({ id: json.id, token: buyerOf(n).token });
          }
        }),
      );
      clearInterval(sampler);
      const endRss = rssOf(shop.pid);
      reportCounts('soak', {
        seconds: Math.round(elapsed()),
        requestsSent: sent,
        ordersPlaced: placed.length,
        startRssMb: (startRss / MB).toFixed(1),
        endRssMb: (endRss / MB).toFixed(1),
        peakRssMb: (peakRss / MB).toFixed(1),
        statuses: JSON.stringify(statuses),
      });

      expect(Object.keys(statuses).filter((s) => Number(s) >= 500 || Number(s) === 0)).toEqual([]);
      expect(placed.length).toBeGreaterThan(0);
      expect(startRss).toBeGreaterThan(0);
      expect(endRss).toBeLessThan(startRss * 1.5 + 30 * MB);
      const ledger = await ledgerBalance(db.pool);
      reportCounts('soak stock ledger', { movements: ledger.movements, unbalancedVariants: ledger.unbalanced.length });
      expect(ledger.unbalanced).toEqual([]);
    },
    (SOAK_SECONDS + 120) * 1000,
  );
});
