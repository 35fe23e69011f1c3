// A product import's worker killed mid-apply (SIGKILL), while its transaction has written the
// file's products and is writing its variants: nothing of the file is in the catalog, and the
// run's job, taken by a fresh worker once it expires, applies the whole file once.
import PgBoss from 'pg-boss';
import { createTestDatabase } from '../helpers/test-app.js';
import { createDb, type Db } from '../../src/shared/db.js';
import { createUser, type UserFixture } from '../helpers/fixtures.js';
import { eventually, startShopProcess, type ShopProcess } from '../helpers/reliability-fixtures.js';
import { catalogCsv, generatedRows } from '../helpers/catalog-csv-fixtures.js';
import { onConnection } from '../../src/jobs/connection.js';
import { JOB_SCHEMA } from '../../src/shared/migrate.js';
import { PRODUCT_IMPORT_QUEUE } from '../../src/catalog/import-jobs.js';
import { unbalancedStock } from '../helpers/stock-ledger.js';
import { reportCounts } from './report.js';

const PRODUCTS = 700; // 2100 rows: more than PRODUCT_IMPORT_INLINE_ROWS, so only a worker runs it
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let api: ShopProcess;
let workers: ShopProcess[] = [];
let staff: UserFixture;
const counts: Record<string, number> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 4);
  staff = await createUser(db.pool, { role: 'admin' });
  api = await startShopProcess(database.url, { PROCESS_ROLE: 'api' });
  workers = [await startShopProcess(database.url, { PROCESS_ROLE: 'worker' })];
}, 120_000);
afterAll(async () => {
  await Promise.all([api, ...workers].map((p) => p?.stop().catch(() => {})));
  await db.close();
  await database.drop();
  reportCounts('import-crash', counts);
});

const fileCatalog = async () =>
  (
    await db.pool.query<{ products: number; variants: number }>(
      `SELECT (SELECT count(*)::int FROM products WHERE slug LIKE 'crash-%') AS products,
              (SELECT count(*)::int FROM product_variants WHERE sku LIKE 'CRASH-%') AS variants`,
    )
  ).rows[0];

// the apply's variant insert, held for a few seconds on one row: the kill lands inside it
const SLOW_ROW = `CREATE FUNCTION slow_crash_row() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN IF NEW.sku = 'CRASH-350-M' THEN PERFORM pg_sleep(3); END IF; RETURN NEW; END $$`;
const importInFlight = async () =>
  (await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND query LIKE '%INSERT INTO product_variants%'`)).rowCount! > 0;

/** pg-boss retries a dead worker's job once its expiry passes: make that time pass now, and run pg-boss's expiry. */
async function expireJobsOfTheDeadWorker() {
  await db.pool.query(`UPDATE ${JOB_SCHEMA}.job SET started_on = now() - interval '1 day' WHERE state = 'active' AND name = $1`, [PRODUCT_IMPORT_QUEUE]);
  const boss = new PgBoss({ db: onConnection(db.pool), schema: JOB_SCHEMA, supervise: false, schedule: false, migrate: false });
  await boss.start();
  await boss.expire();
  await boss.stop({ graceful: false, wait: true });
  await db.pool.query(`UPDATE ${JOB_SCHEMA}.job SET start_after = now() WHERE state = 'retry' AND name = $1`, [PRODUCT_IMPORT_QUEUE]);
}

test('when the worker applying an import is killed mid-write, then nothing is applied, and the retried job applies the whole file once', async () => {
  await db.pool.query(SLOW_ROW);
  await db.pool.query(`CREATE TRIGGER slow_crash_row BEFORE INSERT ON product_variants FOR EACH ROW EXECUTE FUNCTION slow_crash_row()`);
  const rows = generatedRows('crash', PRODUCTS);

  const queued = await api.request
    .post('/api/admin/product-imports')
    .query({ dryRun: 'false', fileName: 'crash.csv' })
    .set('Authorization', staff.auth)
    .set('Content-Type', 'text/csv')
    .send(catalogCsv(rows));
  expect(queued.status).toBe(202);
  expect(await eventually(importInFlight, 60_000)).toBe(true);
  // the transaction has inserted the file's products by now: they are invisible outside it
  const doomed = workers.shift()!; // stopped by the kill: stop() would wait for an exit that has passed
  process.kill(doomed.pid, 'SIGKILL');

  // once the server notices its client is gone, the transaction is rolled back
  expect(await eventually(async () => !(await importInFlight()), 30_000)).toBe(true);
  expect(await fileCatalog()).toEqual({ products: 0, variants: 0 });
  const cut = (await db.pool.query(`SELECT status, processed_rows AS "processedRows" FROM product_imports WHERE id = $1`, [queued.body.id])).rows[0];
  expect(cut).toMatchObject({ status: 'running', processedRows: rows.length });
  counts.rowsInTheKilledRun = rows.length;

  await db.pool.query(`DROP TRIGGER slow_crash_row ON product_variants`);
  workers.push(await startShopProcess(database.url, { PROCESS_ROLE: 'worker' }));
  await expireJobsOfTheDeadWorker();
  const applied = await eventually(
    async () => (await db.pool.query(`SELECT status FROM product_imports WHERE id = $1`, [queued.body.id])).rows[0].status === 'applied',
    60_000,
  );

  expect(applied).toBe(true);
  expect(await fileCatalog()).toEqual({ products: PRODUCTS, variants: rows.length });
  const ledger = (
    await db.pool.query(
      `SELECT count(*)::int AS n FROM stock_movements m JOIN product_variants v ON v.id = m.variant_id WHERE v.sku LIKE 'CRASH-%' AND m.reason = 'import'`,
    )
  ).rows[0].n;
  expect(ledger).toBe(rows.filter((r) => r.stock !== '0').length);
  expect(await unbalancedStock(db.pool)).toEqual([]);
  const audit = (await db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'import' AND record_id = $1`, [queued.body.id])).rows[0].n;
  expect(audit).toBe(1);
  counts.variantsAppliedByTheRetry = rows.length;
}, 240_000);
