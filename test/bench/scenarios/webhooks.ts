// Webhook storm: Stripe-signed checkout.session.completed events for orders awaiting payment,
// 30% of the deliveries redeliveries (shuffled in, some at the same moment as the original),
// through the app over HTTP; beside a ceiling of inserting the same inbox rows straight into
// PostgreSQL, one INSERT ... ON CONFLICT DO NOTHING per delivery at the same concurrency; and
// beside the route's own work without HTTP: the same signature check and pipeline transaction
// (processGatewayEvent) run in this process through pg, which shows where an event's time goes;
// and beside that same work behind a bare Express route in the server process (as the other
// scenarios' ceilings are), which separates the app's own cost from the HTTP hop's.
import Stripe from 'stripe';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config.js';
import { processGatewayEvent } from '../../../src/payments/pipeline.js';
import { configuredProviders } from '../../../src/payments/providers/registry.js';
import { runPool, type Row, type ServerProcess } from '../kit.js';
import { label, type BenchContext } from './context.js';

export const WEBHOOK_SECRET = 'whsec_bench';
const DUPLICATE_SHARE = 0.3;
const CONCURRENCY = 32;
const UNIQUE_EVENTS = 6000; // an upper bound: a run stops at ctx.seconds
const WARMUP_DELIVERIES = 150;

/** N orders awaiting payment, each with a PENDING Stripe attempt, in set-based SQL. */
async function pendingPayments(ctx: BenchContext, batch: string, n: number) {
  const { rows } = await ctx.pool.query<{ id: string; amount: number }>(
    `WITH u AS (INSERT INTO users (clerk_user_id, email) VALUES ('bench_webhooks_' || $2, 'bench-webhooks@shop.test') RETURNING id),
          p AS (INSERT INTO products (slug, title) VALUES ('bench-wh-' || $2, 'Bench') RETURNING id),
          v AS (INSERT INTO product_variants (product_id, sku, price_minor, stock) SELECT id, 'BENCH-WH-' || $2, 1000, 0 FROM p RETURNING id, product_id),
          o AS (INSERT INTO orders (user_id, currency, subtotal_minor, total_minor, item_count, expires_at)
                SELECT u.id, 'USD', 1000 + g, 1000 + g, 1, now() + interval '1 hour' FROM u, generate_series(1, $1::int) g RETURNING id, total_minor),
          i AS (INSERT INTO order_items (order_id, product_id, variant_id, sku, title, unit_price_minor, quantity, line_total_minor)
                SELECT o.id, v.product_id, v.id, 'BENCH-WH-' || $2, 'Bench', o.total_minor, 1, o.total_minor FROM o, v)
     INSERT INTO payments (order_id, provider, amount_minor, currency, provider_ref)
     SELECT o.id, 'STRIPE', o.total_minor, 'USD', 'cs_bench_' || o.id FROM o
     RETURNING id, amount_minor AS amount`,
    [n, `${ctx.runId}-${batch}`],
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

/** Signed deliveries of checkout.session.completed for `n` new pending payments, 30% of them redeliveries. */
async function stripeDeliveries(ctx: BenchContext, batch: string, n: number) {
  const payments = await pendingPayments(ctx, batch, n);
  const events = payments.map((p, i) => ({
    id: `evt_bench_${ctx.runId}_${batch}_${i}`,
    object: 'event',
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: `cs_bench_${ctx.runId}_${batch}_${i}`,
        object: 'checkout.session',
        payment_status: 'paid',
        amount_total: p.amount,
        currency: 'usd',
        payment_intent: `pi_bench_${ctx.runId}_${batch}_${i}`,
        metadata: { paymentId: p.id },
      },
    },
  }));
  // Redeliveries follow their original closely, as a gateway retrying a slow answer would.
  const deliveries = events.flatMap((event) => (Math.random() < DUPLICATE_SHARE / (1 - DUPLICATE_SHARE) ? [event, event] : [event]));
  for (let i = 0; i < deliveries.length - 20; i += 20) deliveries.splice(i, 20, ...shuffle(deliveries.slice(i, i + 20)));
  return deliveries.map((event) => {
    const payload = JSON.stringify(event);
    return { event, payload, header: Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) };
  });
}

export async function webhookScenario(ctx: BenchContext, servers: ServerProcess[]): Promise<Row[]> {
  const signed = await stripeDeliveries(ctx, 'app', UNIQUE_EVENTS);
  const pids = servers.map((s) => s.pid);
  const outcomes = new Map<string, number>();
  let n = 0;
  const warmup = signed.splice(0, WARMUP_DELIVERIES);
  const post = async (url: string, { payload, header }: (typeof signed)[number]) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      body: payload,
    });
    const outcome = res.ok ? ((await res.json()) as { outcome: string }).outcome : `http ${res.status}`;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    return res.ok;
  };
  const viaHttp = (delivery: (typeof signed)[number]) => post(`${servers[n++ % servers.length].url}/api/payments/stripe/webhook`, delivery);
  await runPool({ items: warmup, concurrency: CONCURRENCY, seconds: ctx.warmupSeconds, pids }, viaHttp);
  outcomes.clear();
  const app = await runPool({ items: signed, concurrency: CONCURRENCY, seconds: ctx.seconds, pids }, viaHttp);
  const ceiling = await runPool({ items: signed, concurrency: CONCURRENCY, seconds: ctx.seconds, pids }, async ({ event }) => {
    await ctx.pool.query(
      `INSERT INTO payment_events (provider, provider_event_id, type, payload) VALUES ('STRIPE', $1, $2, $3) ON CONFLICT (provider, provider_event_id) DO NOTHING`,
      [`raw_${event.id}`, event.type, event],
    );
    return true;
  });
  console.log(`webhook outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);

  const config = loadConfig({ STRIPE_SECRET_KEY: 'sk_test_bench', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, MOCK_PAYMENTS: 'off' });
  const deps = { pool: ctx.pool, providers: configuredProviders(config), logger: pino({ level: 'silent' }) };
  const stripe = deps.providers.get('stripe');
  const inProcess = await stripeDeliveries(ctx, 'direct', UNIQUE_EVENTS);
  const pipeline = await runPool({ items: inProcess, concurrency: CONCURRENCY, seconds: ctx.seconds, pids }, async ({ payload, header }) => {
    const event = await stripe.verify({ rawBody: Buffer.from(payload), headers: { 'stripe-signature': header } });
    await processGatewayEvent(deps, event!);
    return true;
  });
  const bare = await stripeDeliveries(ctx, 'bare', UNIQUE_EVENTS);
  const bareHttp = await runPool({ items: bare, concurrency: CONCURRENCY, seconds: ctx.seconds, pids }, (delivery) =>
    post(`${servers[n++ % servers.length].ceilingUrl}/ceiling/payments/stripe/webhook`, delivery),
  );
  const scenario = label(`webhook storm, Stripe-signed, ${DUPLICATE_SHARE * 100}% redeliveries`, servers);
  return [
    { scenario, app, ceiling, ceilingName: 'inbox INSERTs via pg' },
    { scenario, app, ceiling: pipeline, ceilingName: 'same verify + transaction via pg' },
    { scenario, app, ceiling: bareHttp, ceilingName: 'bare Express, same verify + transaction' },
  ];
}
