// Mail throughput: order events (SHIPPED, one customer mail each) written to the outbox at once,
// relayed to the job queue and sent by the server process's workers into a real SMTP server
// (smtp-server, in this process); beside a ceiling of nodemailer sending the same number of
// messages straight to the same server with the same concurrency (the app's mail workers per
// process, MAIL_WORKERS) and the same pooled transport. Both sides are timed from the start until the last
// mail arrived; p50/p99 are the times until half and 99% of them had arrived.
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { runPool, watchServers, type LoadResult, type Row, type ServerProcess } from '../kit.js';
import { label, type BenchContext } from './context.js';
import { MAIL_WORKERS } from '../../../src/notifications/mail-jobs.js';

const MAILS = 3000;
const WARMUP_MAILS = 100;

/** An SMTP server that records when each message to each recipient arrived. */
export async function startBenchSmtpServer() {
  const arrivals = new Map<string, number[]>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 500, // close() would wait 30 s for the clients' idle pooled connections
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const now = performance.now();
        for (const { address } of session.envelope.rcptTo) arrivals.set(address, [...(arrivals.get(address) ?? []), now]);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    arrivals: (address: string) => arrivals.get(address) ?? [],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type BenchSmtpServer = Awaited<ReturnType<typeof startBenchSmtpServer>>;

/** N shipped orders of one buyer (whose address is `recipient`), in set-based SQL. */
async function shippedOrders(ctx: BenchContext, batch: string, recipient: string, n: number): Promise<string[]> {
  const { rows } = await ctx.pool.query<{ id: string }>(
    `WITH u AS (INSERT INTO users (clerk_user_id, email) VALUES ('bench_mails_' || $2, $3) RETURNING id),
          p AS (INSERT INTO products (slug, title) VALUES ('bench-mail-' || $2, 'Bench mug') RETURNING id),
          v AS (INSERT INTO product_variants (product_id, sku, price_minor, stock) SELECT id, 'BENCH-MAIL-' || $2, 1000, 0 FROM p RETURNING id, product_id),
          o AS (INSERT INTO orders (user_id, status, currency, subtotal_minor, total_minor, item_count, carrier, tracking_number, shipped_at)
                SELECT u.id, 'SHIPPED', 'USD', 1000, 1000, 1, 'DHL', 'BENCH' || g, now() FROM u, generate_series(1, $1::int) g RETURNING id),
          i AS (INSERT INTO order_items (order_id, product_id, variant_id, sku, title, unit_price_minor, quantity, line_total_minor)
                SELECT o.id, v.product_id, v.id, 'BENCH-MAIL-' || $2, 'Bench mug', 1000, 1, 1000 FROM o, v)
     SELECT id FROM o`,
    [n, `${ctx.runId}-${batch}`, recipient],
  );
  return rows.map((r) => r.id);
}

/** Waits until `n` mails to `recipient` have arrived (or 120 s passed); times them from `started`. */
async function arrivalsOf(smtp: BenchSmtpServer, recipient: string, n: number, started: number, watched: ReturnType<typeof watchServers>): Promise<LoadResult> {
  const deadline = started + 120_000;
  while (smtp.arrivals(recipient).length < n && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const times = smtp.arrivals(recipient).map((t) => t - started);
  const arrived = times.length;
  const at = (q: number) => times[Math.min(arrived - 1, Math.max(0, Math.ceil(q * arrived) - 1))] ?? 0;
  const seconds = (times[arrived - 1] ?? 0) / 1000;
  const { peakRssMb, serverCpuSeconds } = watched();
  return {
    rps: seconds ? arrived / seconds : 0,
    p50: at(0.5),
    p99: at(0.99),
    errors: n - arrived,
    requests: arrived,
    peakRssMb,
    serverCpuMs: arrived ? (serverCpuSeconds * 1000) / arrived : 0,
  };
}

/** Writes one order.status_changed event per order to the outbox, in one statement, and times the mails' arrival. */
async function viaTheApp(ctx: BenchContext, smtp: BenchSmtpServer, servers: ServerProcess[], batch: string, n: number): Promise<LoadResult> {
  const recipient = `bench-mails-${ctx.runId}-${batch}@shop.test`;
  const orderIds = await shippedOrders(ctx, batch, recipient, n);
  const watched = watchServers(servers.map((s) => s.pid));
  const started = performance.now();
  await ctx.pool.query(
    `INSERT INTO outbox (topic, payload) SELECT 'order.status_changed', json_build_object('orderId', id, 'from', 'PAID', 'to', 'SHIPPED') FROM unnest($1::uuid[]) id`,
    [orderIds],
  );
  return arrivalsOf(smtp, recipient, n, started, watched);
}

export async function mailScenario(ctx: BenchContext, smtp: BenchSmtpServer, servers: ServerProcess[]): Promise<Row> {
  await viaTheApp(ctx, smtp, servers, 'warmup', WARMUP_MAILS);
  const app = await viaTheApp(ctx, smtp, servers, 'app', MAILS);

  const recipient = `bench-mails-${ctx.runId}-ceiling@shop.test`;
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 5 });
  const message = {
    from: 'Shop <shop@localhost>',
    to: recipient,
    subject: 'Your order is on its way',
    text: 'Order #1 has been shipped.',
    html: '<p>Order #1 has been shipped.</p>',
  };
  try {
    const watched = watchServers(servers.map((s) => s.pid));
    const started = performance.now();
    await runPool({ items: Array.from({ length: MAILS }), concurrency: MAIL_WORKERS * servers.length, seconds: 120, pids: [] }, async () => {
      await transport.sendMail(message);
      return true;
    });
    const ceiling = await arrivalsOf(smtp, recipient, MAILS, started, watched);
    return {
      scenario: label(`mails: ${MAILS} order events to SMTP (mails/s)`, servers),
      app,
      ceiling,
      ceilingName: 'nodemailer straight to the same SMTP server',
    };
  } finally {
    transport.close();
  }
}
