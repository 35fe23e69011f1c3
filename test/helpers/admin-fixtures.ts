import type pg from 'pg';
import supertest from 'supertest';
import { buildAdminRouter, type RefundOrder } from '../../admin/index.js';
import { saveStaffAccount } from '../../src/auth/staff-accounts.js';
import type { OrderStatus } from '../../src/orders/statuses.js';
import { createTestDatabase, startTestApp, uniqueId, type TestApp } from './test-app.js';

/** The app with the staff panel mounted, built like main.ts builds it. */
export function startAdminApp(options: { databaseUrl: string; env?: Record<string, string>; refundOrder?: RefundOrder }): Promise<TestApp> {
  return startTestApp({ ...options, adminRouter: (deps) => buildAdminRouter({ ...deps, refundOrder: options.refundOrder }) });
}

export const STAFF_PASSWORD = 'correct horse battery staple';

export async function createStaff(pool: pg.Pool, email = `${uniqueId('staff')}@shop.test`) {
  const staff = await saveStaffAccount(pool, { email, password: STAFF_PASSWORD });
  return { ...staff, password: STAFF_PASSWORD };
}

export type Panel = {
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  shop: TestApp;
  /** a cookie-keeping client signed in as `staffId` */
  staff: ReturnType<typeof supertest.agent>;
  staffId: string;
};

/** This test file's own database and app with the panel, and a signed-in staff member (beforeAll/afterAll). */
export function panelPerFile(options: { refundOrder?: RefundOrder } = {}): Panel {
  const panel = {} as Panel;
  beforeAll(async () => {
    panel.database = await createTestDatabase();
    panel.shop = await startAdminApp({ databaseUrl: panel.database.url, ...options });
    const account = await createStaff(panel.shop.db.pool);
    panel.staffId = account.id;
    panel.staff = await signedInAgent(panel.shop, account.email);
  });
  afterAll(async () => {
    await panel.shop?.close();
    await panel.database?.drop();
  });
  return panel;
}

/** A cookie-keeping client signed in to the panel with a password. */
export async function signedInAgent(shop: TestApp, email: string, password = STAFF_PASSWORD) {
  const agent = supertest.agent(shop.app);
  const res = await agent.post('/admin/login').type('form').send({ email, password });
  if (res.status !== 302 || res.headers.location !== '/admin') throw new Error(`sign-in as ${email} failed: ${res.status}`);
  return agent;
}

export async function createCustomer(pool: pg.Pool, email = `${uniqueId('customer')}@shop.test`): Promise<{ id: string; email: string; clerkUserId: string }> {
  const clerkUserId = uniqueId('user');
  const { rows } = await pool.query(`INSERT INTO users (clerk_user_id, email, role) VALUES ($1, $2, 'CUSTOMER') RETURNING id, email, clerk_user_id AS "clerkUserId"`, [clerkUserId, email]);
  return rows[0];
}

export async function createCategory(pool: pg.Pool, overrides: { name?: string; slug?: string } = {}) {
  const slug = overrides.slug ?? uniqueId('cat').toLowerCase().replace(/_/g, '-');
  const { rows } = await pool.query<{ id: string; name: string; slug: string }>(
    `INSERT INTO categories (name, slug) VALUES ($1, $2) RETURNING id, name, slug`,
    [overrides.name ?? `Category ${slug}`, slug],
  );
  return rows[0];
}

export async function createProduct(pool: pg.Pool, overrides: { sku?: string; slug?: string; title?: string; priceMinor?: number; stock?: number; currency?: string; active?: boolean } = {}) {
  const sku = overrides.sku ?? uniqueId('SKU').toUpperCase();
  const { rows } = await pool.query<{ id: string; sku: string; slug: string; title: string; priceMinor: number; stock: number }>(
    `INSERT INTO products (sku, slug, title, price_minor, currency, stock, active) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING id, sku, slug, title, price_minor AS "priceMinor", stock`,
    [sku, overrides.slug ?? sku.toLowerCase().replace(/_/g, '-'), overrides.title ?? `Product ${sku}`, overrides.priceMinor ?? 1500, overrides.currency ?? 'USD', overrides.stock ?? 10, overrides.active ?? true],
  );
  return rows[0];
}

const HOLDS_STOCK: OrderStatus[] = ['AWAITING_PAYMENT', 'ON_HOLD', 'PAID'];
const PAID_BEFORE: OrderStatus[] = ['PAID', 'SHIPPED', 'DELIVERED', 'REFUNDED'];

/**
 * An order as checkout and payment would have left it: lines, stock held while it is open, a
 * succeeded payment once paid, and the status history that led to `status`.
 */
export async function createOrder(
  pool: pg.Pool,
  input: { userId: string; status: OrderStatus; lines: { product: { id: string; sku: string; title: string; priceMinor: number }; quantity: number }[]; currency?: string; createdDaysAgo?: number },
) {
  const currency = input.currency ?? 'USD';
  const total = input.lines.reduce((sum, l) => sum + l.product.priceMinor * l.quantity, 0);
  const itemCount = input.lines.reduce((sum, l) => sum + l.quantity, 0);
  const paid = PAID_BEFORE.includes(input.status);
  const { rows } = await pool.query<{ id: string; number: number }>(
    `INSERT INTO orders (user_id, status, currency, subtotal_minor, total_minor, item_count, created_at, paid_at)
     VALUES ($1, $2, $3, $4, $4, $5, now() - make_interval(days => $6), CASE WHEN $7 THEN now() - make_interval(days => $6) END)
     RETURNING id, number`,
    [input.userId, input.status, currency, total, itemCount, input.createdDaysAgo ?? 0, paid],
  );
  const order = rows[0];
  for (const line of input.lines) {
    await pool.query(
      `INSERT INTO order_items (order_id, product_id, sku, title, unit_price_minor, quantity, line_total_minor) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [order.id, line.product.id, line.product.sku, line.product.title, line.product.priceMinor, line.quantity, line.product.priceMinor * line.quantity],
    );
    if (HOLDS_STOCK.includes(input.status)) await pool.query(`UPDATE products SET stock = stock - $2 WHERE id = $1`, [line.product.id, line.quantity]);
  }
  const path: (OrderStatus | null)[] = [null, 'AWAITING_PAYMENT', ...(paid ? (['PAID'] as OrderStatus[]) : [])];
  if (input.status !== path[path.length - 1]) path.push(input.status);
  for (let i = 1; i < path.length; i++) {
    // a second apart, so the history has one order (timestamps have millisecond precision)
    await pool.query(
      `INSERT INTO order_status_changes (order_id, from_status, to_status, actor, created_at) VALUES ($1, $2, $3, 'fixture', now() - make_interval(secs => $4))`,
      [order.id, path[i - 1], path[i], path.length - i],
    );
  }
  if (paid) {
    await pool.query(
      `INSERT INTO payments (order_id, provider, status, amount_minor, currency, provider_ref) VALUES ($1, 'MOCK', 'SUCCEEDED', $2, $3, $4)`,
      [order.id, total, currency, uniqueId('mock')],
    );
  }
  return { ...order, totalMinor: total, currency };
}

export async function orderRow(pool: pg.Pool, orderId: string) {
  const { rows } = await pool.query<{ status: OrderStatus; carrier: string | null; trackingNumber: string | null; changes: number }>(
    `SELECT status, carrier, tracking_number AS "trackingNumber",
            (SELECT COUNT(*)::int FROM order_status_changes WHERE order_id = o.id) AS changes
       FROM orders o WHERE id = $1`,
    [orderId],
  );
  return rows[0];
}

/** AdminJS's JSON API paths. */
export const adminApi = {
  list: (resource: string, query = '') => `/admin/api/resources/${resource}/actions/list${query ? `?${query}` : ''}`,
  resourceAction: (resource: string, action: string) => `/admin/api/resources/${resource}/actions/${action}`,
  recordAction: (resource: string, id: string, action: string) => `/admin/api/resources/${resource}/records/${id}/${action}`,
};
