import type pg from 'pg';
import { variantTitleSql } from '../src/catalog/variant-title.js';
import { STORE_LOW_STOCK_THRESHOLD } from '../src/catalog/stock.js';
import { REFUNDED_SO_FAR_SQL } from '../src/orders/order-views.js';
import { AWAITING_SHIPMENT, ORDER_STATUSES, REVENUE_STATUSES, type OrderStatus } from '../src/orders/statuses.js';
import { JOB_SCHEMA } from '../src/shared/migrate.js';
import { DEAD_LETTERS } from '../src/jobs/job-engine.js';
import { JOB_STATES, type JobState } from './job-resource.js';

// Revenue counts orders whose money the shop keeps (REVENUE_STATUSES), by the UTC day they were
// placed: orders(status, created_at) serves every query below as a range scan.
const DAYS = 30;

export type Dashboard = {
  revenue: { currency: string; todayMinor: number; last7DaysMinor: number; last30DaysMinor: number }[];
  /** one entry per currency, `days` oldest first, the last one being today (UTC) */
  dailyRevenue: { currency: string; days: { day: string; revenueMinor: number; orders: number }[] }[];
  ordersByStatus: { status: OrderStatus; count: number }[];
  /**
   * active variants of active products, those at or below their low-stock threshold (their own,
   * else the store's) first, then by stock; `title` is the full one, "T-shirt — M / Red"
   */
  lowestStock: { id: string; productId: string; sku: string; title: string; stock: number; threshold: number }[];
  /** over the same variants; `low`: in stock, at or below the threshold */
  stock: { variants: number; outOfStock: number; low: number; units: number };
  awaitingShipment: {
    count: number;
    oldest: { id: string; number: number; customer: string | null; totalMinor: number; currency: string; paidAt: Date | null }[];
  };
  /**
   * every discount code, most used first: its live uses (uses given back do not count), the
   * revenue of its orders the shop keeps (REVENUE_STATUSES) and what it took off them, per currency
   */
  discountCodes: { code: string; active: boolean; uses: number; currency: string | null; revenueMinor: number; discountMinor: number }[];
  /** background jobs created in the last 24 hours, by their state now (every state, in pg-boss's order) */
  backgroundJobs: { state: JobState; count: number }[];
};

// pg-boss moves finished jobs to its archive after 12 hours, so a day's jobs are in both tables.
// An archived job was archived after it was created: archived_on bounds the scan by its index.
// The dead-letters queue's copies are left out: they wait there, never run, and would read as
// jobs waiting to run (their originals count as failed).
const RECENT_JOBS = `
  SELECT state::text AS state, COUNT(*)::int AS count FROM (
    SELECT name, state, created_on FROM ${JOB_SCHEMA}.job WHERE created_on >= now() - interval '24 hours'
    UNION ALL
    SELECT name, state, created_on FROM ${JOB_SCHEMA}.archive WHERE archived_on >= now() - interval '24 hours' AND created_on >= now() - interval '24 hours'
  ) recent WHERE name <> $1 GROUP BY 1`;

// What is for sale: active variants of active products, each with its full title (the option
// values in the options' position order, after an em dash; the product's title alone without
// options) and its low-stock threshold (its own, else the store's).
const FOR_SALE = `
  SELECT v.id, v.product_id AS "productId", v.sku, v.stock, p.title || coalesce(' — ' || ${variantTitleSql('v')}, '') AS title,
         coalesce(v.low_stock_threshold, store.threshold) AS threshold
    FROM product_variants v JOIN products p ON p.id = v.product_id, (SELECT ${STORE_LOW_STOCK_THRESHOLD} AS threshold) store
   WHERE v.active AND p.active`;

export async function loadDashboard(pool: pg.Pool): Promise<Dashboard> {
  const [daily, byStatus, lowestStock, stock, oldestPaid, recentJobs, codes] = await Promise.all([
    pool.query<{ day: string; currency: string | null; revenueMinor: number; orders: number }>(
      `WITH bounds AS (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') - interval '${DAYS - 1} days' AS first_day),
            kept AS (
              SELECT date_trunc('day', o.created_at AT TIME ZONE 'UTC') AS day, o.currency,
                     SUM(o.total_minor - ${REFUNDED_SO_FAR_SQL}) AS revenue, COUNT(*) AS orders
                FROM orders o, bounds b
               WHERE o.status = ANY($1::"OrderStatus"[]) AND o.created_at >= b.first_day AT TIME ZONE 'UTC'
               GROUP BY 1, 2)
       SELECT to_char(d.day, 'YYYY-MM-DD') AS day, k.currency,
              COALESCE(k.revenue, 0) AS "revenueMinor", COALESCE(k.orders, 0) AS orders
         FROM bounds b
        CROSS JOIN generate_series(b.first_day, b.first_day + interval '${DAYS - 1} days', interval '1 day') AS d(day)
         LEFT JOIN kept k ON k.day = d.day
        ORDER BY d.day, k.currency`,
      [REVENUE_STATUSES],
    ),
    pool.query<{ status: OrderStatus; count: number }>(`SELECT status, COUNT(*) AS count FROM orders GROUP BY status`),
    pool.query<Dashboard['lowestStock'][number]>(
      `${FOR_SALE} ORDER BY v.stock <= coalesce(v.low_stock_threshold, store.threshold) DESC, v.stock, title, v.sku LIMIT 8`,
    ),
    pool.query<Dashboard['stock']>(
      `SELECT COUNT(*)::int AS variants, COUNT(*) FILTER (WHERE stock = 0)::int AS "outOfStock",
              COUNT(*) FILTER (WHERE stock > 0 AND stock <= threshold)::int AS low, COALESCE(SUM(stock), 0)::int AS units
         FROM (${FOR_SALE}) for_sale`,
    ),
    // the count over every waiting order, the window computed before the LIMIT
    pool.query<Dashboard['awaitingShipment']['oldest'][number] & { waiting: number }>(
      `SELECT o.id, o.number, u.email AS customer, o.total_minor AS "totalMinor", o.currency, o.paid_at AS "paidAt", COUNT(*) OVER ()::int AS waiting
         FROM orders o JOIN users u ON u.id = o.user_id
        WHERE o.status = ANY($1::"OrderStatus"[]) AND o.shipped_at IS NULL ORDER BY o.created_at LIMIT 10`,
      [AWAITING_SHIPMENT],
    ),
    pool.query<{ state: JobState; count: number }>(RECENT_JOBS, [DEAD_LETTERS]),
    pool.query<Dashboard['discountCodes'][number]>(
      `SELECT d.code, d.active, d.used_count AS uses, o.currency,
              COALESCE(SUM(o.total_minor - ${REFUNDED_SO_FAR_SQL}) FILTER (WHERE o.status = ANY($1::"OrderStatus"[])), 0)::int AS "revenueMinor",
              COALESCE(SUM(o.discount_minor) FILTER (WHERE o.status = ANY($1::"OrderStatus"[])), 0)::int AS "discountMinor"
         FROM discount_codes d
         LEFT JOIN discount_code_uses u ON u.discount_code_id = d.id AND u.released_at IS NULL
         LEFT JOIN orders o ON o.id = u.order_id
        GROUP BY d.id, o.currency ORDER BY d.used_count DESC, d.code LIMIT 20`,
      [REVENUE_STATUSES],
    ),
  ]);

  const days = [...new Set(daily.rows.map((r) => r.day))];
  const currencies = [...new Set(daily.rows.flatMap((r) => (r.currency ? [r.currency] : [])))].sort();
  const dailyRevenue = currencies.map((currency) => ({
    currency,
    days: days.map((day) => {
      const row = daily.rows.find((r) => r.day === day && r.currency === currency);
      return { day, revenueMinor: row?.revenueMinor ?? 0, orders: row?.orders ?? 0 };
    }),
  }));
  const sum = (list: { revenueMinor: number }[]) => list.reduce((total, d) => total + d.revenueMinor, 0);
  const counts = new Map(byStatus.rows.map((r) => [r.status, r.count]));
  const jobCounts = new Map(recentJobs.rows.map((r) => [r.state, r.count]));
  return {
    revenue: dailyRevenue.map(({ currency, days: series }) => ({
      currency,
      todayMinor: sum(series.slice(-1)),
      last7DaysMinor: sum(series.slice(-7)),
      last30DaysMinor: sum(series),
    })),
    dailyRevenue,
    ordersByStatus: ORDER_STATUSES.map((status) => ({ status, count: counts.get(status) ?? 0 })),
    lowestStock: lowestStock.rows,
    stock: stock.rows[0],
    awaitingShipment: { count: oldestPaid.rows[0]?.waiting ?? 0, oldest: oldestPaid.rows.map(({ waiting: _count, ...order }) => order) },
    discountCodes: codes.rows,
    backgroundJobs: JOB_STATES.map((state) => ({ state, count: jobCounts.get(state) ?? 0 })),
  };
}
