import type pg from 'pg';
import supertest from 'supertest';
import type { OrderStatus } from '../../src/orders/statuses.js';
import { saveStaffAccount } from '../../src/auth/staff-accounts.js';
import type { StoredVariantFields } from '../../src/catalog/variant-rules.js';
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
    pool.query<StoredVariantFields & { id: string; imageUrl: string | null }>(
      `SELECT id, sku, option_values AS "optionValues", price_minor AS "priceMinor", compare_at_price_minor AS "compareAtPriceMinor",
              stock, active, position, image_url AS "imageUrl"
         FROM product_variants WHERE product_id = $1 ORDER BY position, sku`,
      [productId],
    ),
  ]);
  return { ...product.rows[0], options: options.rows, variants: variants.rows };
}

export type OrderDelivery = {
  address?: Record<string, string | null> | null;
  email?: string | null;
  phone?: string | null;
  method?: { id: string | null; name: string } | null;
  shippingMinor?: number;
  codFeeMinor?: number;
  taxMinor?: number;
  taxIncluded?: boolean;
};

/**
 * Gives a fixture order (createOrder, made without delivery) the delivery a checkout would have
 * snapshotted: address, contact, method, shipping and tax (all on its first line), with the
 * total the database's CHECK requires.
 */
export async function setOrderDelivery(pool: pg.Pool, orderId: string, delivery: OrderDelivery) {
  const { address = null, email = null, phone = null, method = null, shippingMinor = 0, codFeeMinor = 0, taxMinor = 0, taxIncluded = false } = delivery;
  await pool.query(
    `UPDATE orders SET shipping_address = $2, contact_email = $3, contact_phone = $4, shipping_method_id = $5, shipping_method_name = $6,
            shipping_minor = $7, cod_fee_minor = $8, tax_minor = $9, tax_included = $10,
            total_minor = subtotal_minor + $7 + $8 + CASE WHEN $10 THEN 0 ELSE $9 END
      WHERE id = $1`,
    [
      orderId,
      address === null ? null : JSON.stringify(address),
      email,
      phone,
      method?.id ?? null,
      method?.name ?? null,
      shippingMinor,
      codFeeMinor,
      taxMinor,
      taxIncluded,
    ],
  );
  await pool.query(`UPDATE order_items SET tax_minor = $2 WHERE id = (SELECT id FROM order_items WHERE order_id = $1 ORDER BY title, sku LIMIT 1)`, [
    orderId,
    taxMinor,
  ]);
}

/** The Delivery group's rows, for checking a write or that a refusal changed nothing. */
export async function deliveryRows(pool: pg.Pool) {
  const [zones, methods, carriers, rates, settings] = await Promise.all([
    pool.query(`SELECT id, name, countries FROM shipping_zones ORDER BY name`),
    pool.query(
      `SELECT id, zone_id AS "zoneId", carrier_id AS "carrierId", name, price_minor AS "priceMinor", free_over_minor AS "freeOverMinor",
              min_subtotal_minor AS "minSubtotalMinor", max_subtotal_minor AS "maxSubtotalMinor", min_delivery_days AS "minDeliveryDays",
              max_delivery_days AS "maxDeliveryDays", cod_enabled AS "codEnabled", cod_fee_minor AS "codFeeMinor", active, position
         FROM shipping_methods ORDER BY name`,
    ),
    pool.query(`SELECT id, name, tracking_url_template AS "trackingUrlTemplate" FROM carriers ORDER BY name`),
    pool.query(`SELECT id, name, country, region, rate_ppm AS "ratePpm" FROM tax_rates ORDER BY country, region NULLS FIRST`),
    pool.query(`SELECT prices_include_tax AS "pricesIncludeTax", tax_shipping AS "taxShipping" FROM store_settings`),
  ]);
  return { zones: zones.rows, methods: methods.rows, carriers: carriers.rows, rates: rates.rows, settings: settings.rows };
}
