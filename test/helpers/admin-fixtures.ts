import type pg from 'pg';
import supertest from 'supertest';
import type { OrderStatus } from '../../src/orders/statuses.js';
import { saveStaffAccount } from '../../src/auth/staff-accounts.js';
import { uniqueId, useTestShop, type ShopOptions, type TestApp, type TestShop } from './test-app.js';

export const STAFF_PASSWORD = 'correct horse battery staple';

export async function createStaff(pool: pg.Pool, email = `${uniqueId('staff')}@shop.test`) {
  const staff = await saveStaffAccount(pool, { email, password: STAFF_PASSWORD });
  return { ...staff, password: STAFF_PASSWORD };
}

export type Panel = {
  shop: TestShop;
  /** a cookie-keeping client signed in as `staffId` */
  staff: ReturnType<typeof supertest.agent>;
  staffId: string;
};

/** This test file's shop with the staff panel (useTestShop), and a staff member signed in to it. */
export function panelPerFile(options: ShopOptions = {}): Panel {
  const panel = { shop: useTestShop({ adminPanel: true, ...options }) } as Panel;
  beforeAll(async () => {
    const account = await createStaff(panel.shop.db.pool);
    panel.staffId = account.id;
    panel.staff = await signedInAgent(panel.shop, account.email);
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

/** A product's options and variants as stored, in position order: to check a write, or that a refusal changed nothing. */
export async function catalogOf(pool: pg.Pool, productId: string) {
  const [product, options, variants] = await Promise.all([
    pool.query<{ priceMinMinor: number | null; priceMaxMinor: number | null }>(
      `SELECT price_min_minor AS "priceMinMinor", price_max_minor AS "priceMaxMinor" FROM products WHERE id = $1`,
      [productId],
    ),
    pool.query<{ id: string; name: string; position: number; values: string[] }>(
      `SELECT id, name, position, values FROM product_options WHERE product_id = $1 ORDER BY position, name`,
      [productId],
    ),
    pool.query<{
      id: string;
      sku: string;
      optionValues: Record<string, string>;
      priceMinor: number;
      compareAtPriceMinor: number | null;
      stock: number;
      active: boolean;
      position: number;
      imageUrl: string | null;
    }>(
      `SELECT id, sku, option_values AS "optionValues", price_minor AS "priceMinor", compare_at_price_minor AS "compareAtPriceMinor",
              stock, active, position, image_url AS "imageUrl"
         FROM product_variants WHERE product_id = $1 ORDER BY position, sku`,
      [productId],
    ),
  ]);
  return { ...product.rows[0], options: options.rows, variants: variants.rows };
}
