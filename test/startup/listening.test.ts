// `npm start` with PORT=0: the server takes a free port, and the URLs it gives gateways and
// buyers (redirectUrl, the return page) point at that port, not at a default.
import path from 'node:path';
import { localKeyPair, signSessionToken } from '../../src/auth/dev-keys.js';
import { createDb, type Db } from '../../src/shared/db.js';
import { createTestDatabase } from '../helpers/test-app.js';
import { createPayableOrder, orderState } from '../helpers/payments-fixtures.js';
import { dataDir, removeDataDirs, startMain, type MainProcess } from '../helpers/main-process.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let main: MainProcess | undefined;
const dir = dataDir();

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 2);
});
afterAll(async () => {
  if (main) await main.stop();
  await db.close();
  await database.drop();
  removeDataDirs();
});

describe('npm start with PORT=0', () => {
  test('when the buyer pays through the mock gateway, then every URL uses the bound port and the result page shows PAID; SIGTERM stops it with 0', async () => {
    main = startMain({ DATABASE_URL: database.url, PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'info' });
    const [, base] = await main.waitFor(/"msg":"API +(http:\/\/127\.0\.0\.1:\d+)\/api\/products"/);
    const order = await createPayableOrder(db.pool);
    const { rows } = await db.pool.query<{ clerkId: string }>('SELECT clerk_user_id AS "clerkId" FROM users WHERE id = $1', [order.userId]);
    // the server verifies tokens with the local development keys it made in DATA_DIR
    const token = await signSessionToken(localKeyPair(path.resolve(dir)).privateKeyPem, { userId: rows[0].clerkId });

    const started = await fetch(`${base}/api/orders/${order.orderId}/payments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'mock' }),
    });
    const payment = (await started.json()) as { id: string; redirectUrl: string };
    expect(started.status).toBe(201);
    expect(payment.redirectUrl).toBe(`${base}/mock-gateway/${payment.id}`);

    const page = await (await fetch(payment.redirectUrl)).text();
    const pay = /<form[^>]*>((?:(?!<\/form>)[\s\S])*>Pay<\/button>)/.exec(page)![1];
    const fields = Object.fromEntries([...pay.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map(([, name, value]) => [name, value]));
    const callback = await fetch(`${base}/api/payments/mock/callback`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe(`${base}/payment-result?paymentId=${payment.id}`);

    const result = await fetch(callback.headers.get('location')!);
    expect(result.status).toBe(200);
    expect(await result.text()).toContain('<dd id="order-status">PAID</dd>');
    expect(await orderState(db.pool, order)).toMatchObject({ status: 'PAID' });

    const stopped = await main.stop();
    main = undefined;
    expect(stopped).toEqual({ code: 0, signal: null });
  }, 90_000);
});
