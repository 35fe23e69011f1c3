import type pg from 'pg';
import { inTransaction } from '../src/shared/db.js';
import { variantTitleSql } from '../src/catalog/variant-title.js';
import { describeStockMovement } from '../src/catalog/stock.js';
import { HOLDS_STOCK, PATH_TO, type OrderStatus } from '../src/orders/statuses.js';

// Demo orders for the zero-setup default, so the staff panel's dashboard has something to show
// and a few paid orders wait to be shipped. Deterministic: the same orders on every fresh start.

const CUSTOMERS = [
  { clerkUserId: 'demo_customer_ada', email: 'ada@customers.example', name: 'Ada Lovelace' },
  { clerkUserId: 'demo_customer_alan', email: 'alan@customers.example', name: 'Alan Turing' },
  { clerkUserId: 'demo_customer_grace', email: 'grace@customers.example', name: 'Grace Hopper' },
];

/** Status by age: old orders were delivered, recent ones wait; a few were cancelled or refunded, a few held for review. */
function statusFor(daysAgo: number, i: number): OrderStatus {
  if (i % 11 === 0) return 'CANCELLED';
  if (i % 17 === 0) return 'REFUNDED';
  if (i % 13 === 0) return 'ON_HOLD';
  if (daysAgo >= 5) return 'DELIVERED';
  if (daysAgo >= 2) return i % 2 ? 'SHIPPED' : 'DELIVERED';
  return i % 4 === 0 ? 'AWAITING_PAYMENT' : 'PAID';
}

/** Loads ~60 orders over the last 30 days when there are none; returns how many it made. */
export async function seedDemoOrders(pool: pg.Pool): Promise<number> {
  return inTransaction(pool, async (tx) => {
    if ((await tx.query('SELECT 1 FROM orders LIMIT 1')).rowCount) return 0;
    // what is for sale with a few in stock, each variant with its title as sold ("M / Red", null without options)
    const products = (
      await tx.query<{
        id: string;
        variantId: string;
        sku: string;
        title: string;
        variantTitle: string | null;
        optionValues: Record<string, string>;
        priceMinor: number;
        currency: string;
      }>(
        `SELECT p.id, v.id AS "variantId", v.sku, p.title, v.option_values AS "optionValues", v.price_minor AS "priceMinor", p.currency,
                ${variantTitleSql('v')} AS "variantTitle"
           FROM product_variants v JOIN products p ON p.id = v.product_id
          WHERE p.active AND v.active AND v.stock >= 5 ORDER BY v.sku`,
      )
    ).rows;
    if (!products.length) return 0;
    const customers = [];
    for (const c of CUSTOMERS) {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO users (clerk_user_id, email, name) VALUES ($1, $2, $3)
         ON CONFLICT (clerk_user_id) DO UPDATE SET email = EXCLUDED.email RETURNING id`,
        [c.clerkUserId, c.email, c.name],
      );
      customers.push(rows[0].id);
    }

    let made = 0;
    for (let i = 1; i <= 60; i++) {
      const daysAgo = (i * 7) % 30;
      const status = statusFor(daysAgo, i);
      const lines = [products[i % products.length], products[(i * 3 + 1) % products.length]]
        .filter((p, at, all) => all.findIndex((q) => q.variantId === p.variantId) === at)
        .map((p, at) => ({ ...p, quantity: 1 + ((i + at) % 2) }));
      const total = lines.reduce((sum, l) => sum + l.priceMinor * l.quantity, 0);
      const path = PATH_TO[status];
      const paid = path.includes('PAID');
      const captured = paid || status === 'ON_HOLD'; // a held order's money is captured; staff release or refund it
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO orders (user_id, status, currency, subtotal_minor, total_minor, item_count, created_at, paid_at, carrier, tracking_number)
         VALUES ($1, $2, $3, $4, $4, $5, now() - make_interval(days => $6, hours => $7), CASE WHEN $8 THEN now() - make_interval(days => $6, hours => $7) END, $9, $10)
         RETURNING id`,
        [
          customers[i % customers.length],
          status,
          lines[0].currency,
          total,
          lines.reduce((n, l) => n + l.quantity, 0),
          daysAgo,
          1 + (i % 9),
          paid,
          status === 'SHIPPED' || status === 'DELIVERED' ? 'DHL' : null,
          status === 'SHIPPED' || status === 'DELIVERED' ? `DEMO${1000 + i}` : null,
        ],
      );
      const orderId = rows[0].id;
      // the stock it holds, in the ledger as a checkout's
      if (HOLDS_STOCK.has(status)) await describeStockMovement(tx, { reason: 'checkout', actor: 'system:demo', orderId });
      for (const l of lines) {
        await tx.query(
          `INSERT INTO order_items (order_id, product_id, variant_id, sku, title, variant_title, option_values, unit_price_minor, quantity, line_total_minor)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [orderId, l.id, l.variantId, l.sku, l.title, l.variantTitle, JSON.stringify(l.optionValues), l.priceMinor, l.quantity, l.priceMinor * l.quantity],
        );
        if (HOLDS_STOCK.has(status)) await tx.query(`UPDATE product_variants SET stock = stock - $2 WHERE id = $1`, [l.variantId, l.quantity]);
      }
      for (const [at, to] of path.entries()) {
        await tx.query(
          `INSERT INTO order_status_changes (order_id, from_status, to_status, actor, created_at)
           SELECT $1, $2, $3, 'demo-seed', created_at + make_interval(mins => 10 * $4) FROM orders WHERE id = $1`,
          [orderId, path[at - 1] ?? null, to, at],
        );
      }
      if (captured) {
        // a refunded order's payment came back whole, in one refund
        await tx.query(
          `WITH paid AS (
             INSERT INTO payments (order_id, provider, status, amount_minor, currency, provider_ref, refunded_minor)
             VALUES ($1, 'MOCK', $2::"PaymentStatus", $3, $4, $5, CASE WHEN $2::"PaymentStatus" = 'REFUNDED' THEN $3 ELSE 0 END) RETURNING id, order_id, amount_minor, currency, status)
           INSERT INTO refunds (payment_id, order_id, amount_minor, currency, status, provider_refund_id, actor, succeeded_at)
           SELECT id, order_id, amount_minor, currency, 'succeeded', 'demo_refund_' || id, 'demo-seed', now() FROM paid WHERE status = 'REFUNDED'`,
          [orderId, status === 'REFUNDED' ? 'REFUNDED' : 'SUCCEEDED', total, lines[0].currency, `demo_${i}`],
        );
      }
      made++;
    }
    return made;
  });
}
