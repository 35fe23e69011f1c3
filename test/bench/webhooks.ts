// Webhook throughput: Stripe-signed checkout.session.completed events, 30% of them
// redelivered (shuffled in, some at the same moment as the original), through the real app
// over HTTP; beside a ceiling of inserting the same inbox rows straight into PostgreSQL.
//
//   npx tsx test/bench/webhooks.ts            (an embedded PostgreSQL in a temporary folder)
//   BENCH_DATABASE_URL=postgresql://... npx tsx test/bench/webhooks.ts   (a database to migrate and fill)
//   BENCH_EVENTS=3000 BENCH_CONCURRENCY=32 to change the run.
import { chmodSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { pino } from 'pino';
import Stripe from 'stripe';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/shared/db.js';
import { startEmbeddedPostgres } from '../../src/shared/embedded-postgres.js';
import { migrate } from '../../src/shared/migrate.js';
import { generateRsaKeyPair, LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../../src/auth/dev-keys.js';

const UNIQUE_EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const DUPLICATE_SHARE = 0.3;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WEBHOOK_SECRET = 'whsec_bench';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

async function benchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) {
    await migrate(process.env.BENCH_DATABASE_URL);
    return { url: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'shop-bench-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as another user and must reach it
  const embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), database: 'bench', logger: pino({ level: 'silent' }) });
  await migrate(embedded.url);
  return { url: embedded.url, stop: embedded.stop };
}

/** N orders awaiting payment, each with a PENDING Stripe attempt, in set-based SQL. */
async function seedPendingPayments(db: ReturnType<typeof createDb>, n: number) {
  const { rows } = await db.pool.query<{ id: string; amount: number }>(
    `WITH u AS (INSERT INTO users (clerk_user_id, email) VALUES ('bench_webhooks_' || gen_random_uuid(), 'bench@shop.test') RETURNING id),
          p AS (INSERT INTO products (sku, slug, title, price_minor, stock) VALUES ('BENCH-WH-' || gen_random_uuid(), 'bench-wh-' || gen_random_uuid(), 'Bench', 1000, 0) RETURNING id),
          o AS (INSERT INTO orders (user_id, currency, subtotal_minor, total_minor, item_count, expires_at)
                SELECT u.id, 'USD', 1000 + g, 1000 + g, 1, now() + interval '1 hour' FROM u, generate_series(1, $1::int) g RETURNING id, total_minor),
          i AS (INSERT INTO order_items (order_id, product_id, sku, title, unit_price_minor, quantity, line_total_minor)
                SELECT o.id, p.id, 'BENCH', 'Bench', o.total_minor, 1, o.total_minor FROM o, p)
     INSERT INTO payments (order_id, provider, amount_minor, currency, provider_ref)
     SELECT o.id, 'STRIPE', o.total_minor, 'USD', 'cs_bench_' || o.id FROM o
     RETURNING id, amount_minor AS amount`,
    [n],
  );
  return rows;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Runs `work` over the items with a fixed number of workers; returns items per second. */
async function timed<T>(items: T[], work: (item: T) => Promise<void>): Promise<{ perSecond: number; seconds: number; nodeCpuSeconds: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { user, system } = process.cpuUsage(cpu);
  return { perSecond: items.length / seconds, seconds, nodeCpuSeconds: (user + system) / 1e6 };
}

async function main() {
  const database = await benchDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.url, DATABASE_POOL_SIZE: '20', STRIPE_SECRET_KEY: 'sk_test_bench', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
  const db = createDb(database.url, config.DATABASE_POOL_SIZE);
  const app = createApp({
    config,
    db,
    logger: pino({ level: 'silent' }),
    clerk: { secretKey: LOCAL_SECRET_KEY, publishableKey: LOCAL_PUBLISHABLE_KEY, jwtKey: generateRsaKeyPair().publicKeyPem, local: true },
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const webhookUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/api/payments/stripe/webhook`;

  try {
    const payments = await seedPendingPayments(db, UNIQUE_EVENTS);
    const events = payments.map((p, i) => ({
      id: `evt_bench_${i}_${p.id}`,
      object: 'event',
      type: 'checkout.session.completed',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: `cs_bench_${i}`, object: 'checkout.session', payment_status: 'paid', amount_total: p.amount, currency: 'usd', payment_intent: `pi_bench_${i}`, metadata: { paymentId: p.id } } },
    }));
    const duplicates = Math.round((events.length * DUPLICATE_SHARE) / (1 - DUPLICATE_SHARE));
    const deliveries = shuffle([...events, ...Array.from({ length: duplicates }, () => events[Math.floor(Math.random() * events.length)])]).map((event) => {
      const payload = JSON.stringify(event);
      return { event, payload, header: Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) };
    });

    const outcomes = new Map<string, number>();
    const viaApp = await timed(deliveries, async ({ payload, header }) => {
      const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
      const outcome = res.ok ? ((await res.json()) as { outcome: string }).outcome : `http ${res.status}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    });
    const { rows: check } = await db.pool.query(
      `SELECT (SELECT count(*) FROM payment_events) AS inbox, (SELECT count(*) FROM orders WHERE status = 'PAID') AS paid,
              (SELECT count(*) FROM order_status_changes) AS changes`,
    );

    // The ceiling: the same inbox rows, one INSERT ... ON CONFLICT DO NOTHING per delivery,
    // straight into PostgreSQL over the same pool size (no HTTP, signature or state changes).
    await db.pool.query(`TRUNCATE payment_events`);
    const direct = await timed(deliveries, async ({ event }) => {
      await db.pool.query(
        `INSERT INTO payment_events (provider, provider_event_id, type, payload) VALUES ('STRIPE', $1, $2, $3) ON CONFLICT (provider, provider_event_id) DO NOTHING`,
        [event.id, event.type, event],
      );
    });

    console.log(`${deliveries.length} deliveries: ${events.length} distinct events + ${duplicates} redeliveries (${Math.round((duplicates / deliveries.length) * 100)}%), ${CONCURRENCY} concurrent`);
    console.log(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    console.log(`after the run: ${check[0].inbox} inbox rows, ${check[0].paid} orders PAID, ${check[0].changes} status changes`);
    console.log('| path | events/s | seconds | Node CPU s (app + load generator) |');
    console.log('|:--|--:|--:|--:|');
    console.log(`| webhook route (verify + inbox + payment + order, one transaction) | ${viaApp.perSecond.toFixed(0)} | ${viaApp.seconds.toFixed(2)} | ${viaApp.nodeCpuSeconds.toFixed(2)} |`);
    console.log(`| ceiling: the same inbox INSERTs straight into PostgreSQL | ${direct.perSecond.toFixed(0)} | ${direct.seconds.toFixed(2)} | ${direct.nodeCpuSeconds.toFixed(2)} |`);
    console.log(`ratio: ${((viaApp.perSecond / direct.perSecond) * 100).toFixed(0)}% of the ceiling`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await db.close();
    await database.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
