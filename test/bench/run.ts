// `npm run bench`: every benchmark scenario in one run, each beside its ceiling measured in the
// same run on the same machine. The load generator runs here; the app runs in separate server
// processes (test/bench/server.ts, production settings, loopback only), which also serve the
// bare-Express ceilings on a second port. Prints a markdown table, the Vendure-shape listing
// beside Vendure's figure as the issue quotes it (not measured here), and the SQL statements a
// listing request costs by how many variants its page holds; writes test/bench/results/latest.json.
//
//   BENCH_DATABASE_URL=postgresql://...  a database to migrate and fill, or one filled by an earlier run
//                                         (default: a fresh embedded PostgreSQL)
//   BENCH_SECONDS (6), BENCH_CONNECTIONS (50)   per measured side
//   BENCH_ONLY=catalog,filters,vendure,statements,detail,media,cart,checkout,discount,webhooks,mails,two   a subset of the scenarios
//   BENCH_CPU_PROF=<dir>   write a V8 CPU profile of each server process there (on exit)
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { generateRsaKeyPair, LOCAL_PUBLISHABLE_KEY } from '../../src/auth/dev-keys.js';
import { createDb } from '../../src/shared/db.js';
import { seedDemoCatalog } from '../../prisma/demo-catalog.js';
import { benchDatabase, printTable, startServerProcess, tableJson, type Row } from './kit.js';
import { seedImages, seedLarge, DEFAULT_SIZE, SEEDED_SKU } from './seed-large.js';
import type { BenchContext } from './scenarios/context.js';
import {
  catalogFilterScenarios,
  catalogListScenarios,
  printStatementCounts,
  productDetailScenario,
  statementCounts,
  VENDURE,
  vendureComparison,
  vendureShapeScenario,
  type StatementCount,
} from './scenarios/catalog.js';
import { cartScenarios } from './scenarios/cart.js';
import { checkoutScenario } from './scenarios/checkout.js';
import { WEBHOOK_SECRET, webhookScenario } from './scenarios/webhooks.js';
import { mailScenario, startBenchSmtpServer } from './scenarios/mails.js';
import { ledgerBalance } from '../helpers/stock-ledger.js';
import { mediaScenario } from './scenarios/media.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const POOL_SIZE = 20; // the app's default DATABASE_POOL_SIZE
const only = process.env.BENCH_ONLY?.split(',');
const wanted = (name: string) => !only || only.includes(name);

const started = Date.now();
const step = (what: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${what}`);

const database = await benchDatabase();
const db = createDb(database.url, POOL_SIZE);
const keys = generateRsaKeyPair();
const servers: Awaited<ReturnType<typeof startServerProcess>>[] = [];
let worker: Awaited<ReturnType<typeof startServerProcess>> | undefined;
// the mail scenario's SMTP server; without it the servers deliver mails to the mailbox table
const smtp = wanted('mails') ? await startBenchSmtpServer() : undefined;
try {
  const { rows: seeded } = await db.pool.query(`SELECT 1 FROM product_variants WHERE sku = $1`, [SEEDED_SKU]);
  if (seeded.length) {
    step('the database is seeded already');
    const { rows: imaged } = await db.pool.query(`SELECT 1 FROM media_objects LIMIT 1`);
    if (!imaged.length) {
      step('seeding product images (the database was seeded before products had them)');
      await seedImages(db.pool);
    }
  } else {
    step(`seeding ${JSON.stringify(DEFAULT_SIZE)} and the demo catalog`);
    await seedLarge(db.pool);
    await seedDemoCatalog(db.prisma, 'USD');
  }
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    CLERK_SECRET_KEY: 'sk_test_bench',
    CLERK_PUBLISHABLE_KEY: LOCAL_PUBLISHABLE_KEY,
    CLERK_JWT_KEY: keys.publicKeyPem,
    RATE_LIMIT_WRITES_PER_WINDOW: '1000000000',
    MOCK_PAYMENTS: 'on',
    MOCK_PAYMENTS_SECRET: randomBytes(16).toString('hex'),
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    BENCH_CEILINGS: '1',
    CLERK_TELEMETRY_DISABLED: '1',
    // API-only, as behind a load balancer: the request paths pay for their outbox rows, while the
    // work those set off (mails, webhooks) would run in worker processes and has a scenario of its own.
    PROCESS_ROLE: 'api',
    ...(smtp && { SMTP_URL: smtp.url }),
  };
  const profile = process.env.BENCH_CPU_PROF;
  const nodeArgs = profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [];
  servers.push(await startServerProcess(env, nodeArgs), await startServerProcess(env, nodeArgs));
  // The mails scenario's jobs run where production runs them: in a worker process.
  worker = smtp ? await startServerProcess({ ...env, PROCESS_ROLE: 'worker' }, nodeArgs) : undefined;
  const ctx: BenchContext = {
    pool: db.pool,
    databaseUrl: database.url,
    serverPoolSize: POOL_SIZE,
    servers,
    runId: randomBytes(3).toString('hex'),
    privateKeyPem: keys.privateKeyPem,
    currency: 'USD',
    seconds: SECONDS,
    warmupSeconds: 1,
    connections: CONNECTIONS,
  };
  const one = servers.slice(0, 1);
  const rows: Row[] = [];
  let vendure: string[] | undefined;
  let statements: StatementCount[] | undefined;
  const scenarios: [string, string, () => Promise<Row | Row[]>][] = [
    ['catalog', 'catalog listings', () => catalogListScenarios(ctx, one)],
    ['filters', 'catalog listings with variant filters', () => catalogFilterScenarios(ctx, one)],
    [
      'vendure',
      'the Vendure-shape listing',
      async () => {
        const row = await vendureShapeScenario(ctx, one);
        vendure = vendureComparison(row);
        return row;
      },
    ],
    [
      'statements',
      'SQL statements per listing request',
      async () => {
        statements = await statementCounts(ctx, one[0]);
        printStatementCounts(statements);
        return [];
      },
    ],
    ['detail', 'product detail', () => productDetailScenario(ctx, one)],
    ['media', 'product images from PostgreSQL', () => mediaScenario(ctx, one)],
    ['cart', 'cart add and read', () => cartScenarios(ctx, one)],
    ['checkout', 'checkout under contention', () => checkoutScenario(ctx, one)],
    ['discount', 'checkout with a discount code', () => checkoutScenario(ctx, one, { discounted: true })],
    ['webhooks', 'webhook storm', () => webhookScenario(ctx, one)],
    ['mails', 'mail throughput', () => mailScenario(ctx, smtp!, [worker!])],
    ['two', 'catalog listings on two processes', () => catalogListScenarios(ctx, servers)],
    ['two', 'checkout on two processes', () => checkoutScenario(ctx, servers)],
  ];
  for (const [name, title, scenario] of scenarios) {
    if (!wanted(name)) continue;
    step(title);
    const done = [await scenario()].flat();
    if (done.length) printTable(done);
    rows.push(...done);
  }
  // Every checkout, expiry and cancel the scenarios made wrote its stock movement: the ledger must still add up.
  const ledger = await ledgerBalance(db.pool);
  step(`stock ledger: ${ledger.movements} movements, ${ledger.unbalanced.length} variants whose movements do not add up to their stock`);
  if (ledger.unbalanced.length) throw new Error(`The stock ledger does not add up: ${JSON.stringify(ledger.unbalanced.slice(0, 5))}`);
  step('done');
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`;
  console.log(`\n${CONNECTIONS} connections (HTTP load) or 32 in flight (checkout, webhooks), ${SECONDS} s per side after a 1 s warm-up; ${machine}\n`);
  printTable(rows);
  if (vendure) console.log(`\n${vendure.join('\n')}`);
  if (statements) {
    console.log('');
    printStatementCounts(statements);
  }
  const results = new URL('./results/', import.meta.url);
  mkdirSync(results, { recursive: true });
  writeFileSync(
    new URL('latest.json', results),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        machine,
        secondsPerSide: SECONDS,
        connections: CONNECTIONS,
        seed: DEFAULT_SIZE,
        rows: tableJson(rows),
        statements,
        vendureQuoted: vendure ? VENDURE : undefined,
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  await Promise.all([...servers, ...(worker ? [worker] : [])].map((s) => s.stop()));
  await smtp?.close();
  await db.close();
  await database.stop();
}
