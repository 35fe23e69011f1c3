// Delivery in tests: every test database has a free "test delivery" method to most of the world
// (the template is made with it, test/setup/global-setup.mjs), so a checkout that is not about
// delivery sends DELIVERY and keeps its totals; stories about shipping and tax make their own.
import type { Queryable } from '../../src/shared/db.js';
import { uniqueId } from './test-app.js';

export const TEST_ZONE_ID = '00000000-0000-4000-8000-00000000de01';
export const FREE_TEST_SHIPPING_ID = '00000000-0000-4000-8000-00000000de02';

export const TEST_ADDRESS = {
  recipientName: 'Test Buyer',
  phone: '+1 212 555 0123',
  line1: '1 Main St',
  city: 'New York',
  region: 'NY',
  postalCode: '10001',
  country: 'US',
};

/** The delivery part of a checkout body: TEST_ADDRESS by the free test method. */
export const DELIVERY = { shippingAddress: TEST_ADDRESS, shippingMethodId: FREE_TEST_SHIPPING_ID };

/** The free test method (idempotent); run on the test template after migrating. */
export async function addTestDelivery(db: Queryable): Promise<void> {
  await db.query(`INSERT INTO shipping_zones (id, name, countries) VALUES ($1, 'Test delivery zone', '{US,BD,GB,DE,FR,CA,IN,AE}') ON CONFLICT DO NOTHING`, [
    TEST_ZONE_ID,
  ]);
  await db.query(`INSERT INTO shipping_methods (id, zone_id, name, price_minor, position) VALUES ($1, $2, 'Test delivery', 0, 1000) ON CONFLICT DO NOTHING`, [
    FREE_TEST_SHIPPING_ID,
    TEST_ZONE_ID,
  ]);
}

export type MethodInput = {
  countries?: string[];
  priceMinor?: number;
  freeOverMinor?: number | null;
  minSubtotalMinor?: number | null;
  maxSubtotalMinor?: number | null;
  active?: boolean;
  position?: number;
  codEnabled?: boolean;
  codFeeMinor?: number;
  name?: string;
};

/** A zone of its own (by default only `countries`) with one method. */
export async function createShippingMethod(db: Queryable, input: MethodInput = {}): Promise<{ id: string; zoneId: string; name: string }> {
  const zone = await db.query<{ id: string }>(`INSERT INTO shipping_zones (name, countries) VALUES ($1, $2) RETURNING id`, [
    uniqueId('Zone'),
    input.countries ?? ['BD'],
  ]);
  const name = input.name ?? uniqueId('Method');
  const method = await db.query<{ id: string }>(
    `INSERT INTO shipping_methods (zone_id, name, price_minor, free_over_minor, min_subtotal_minor, max_subtotal_minor, active, position, cod_enabled, cod_fee_minor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      zone.rows[0].id,
      name,
      input.priceMinor ?? 500,
      input.freeOverMinor ?? null,
      input.minSubtotalMinor ?? null,
      input.maxSubtotalMinor ?? null,
      input.active ?? true,
      input.position ?? 0,
      input.codEnabled ?? false,
      input.codFeeMinor ?? 0,
    ],
  );
  return { id: method.rows[0].id, zoneId: zone.rows[0].id, name };
}

/** A tax rate in ppm (15% = 150_000), for a country or one of its regions. */
export async function createTaxRate(db: Queryable, country: string, ratePpm: number, region: string | null = null): Promise<string> {
  const { rows } = await db.query<{ id: string }>(`INSERT INTO tax_rates (name, country, region, rate_ppm) VALUES ($1, $2, $3, $4) RETURNING id`, [
    uniqueId('VAT'),
    country,
    region,
    ratePpm,
  ]);
  return rows[0].id;
}

export const setStoreTax = (db: Queryable, settings: { pricesIncludeTax: boolean; taxShipping: boolean }) =>
  db.query(`UPDATE store_settings SET prices_include_tax = $1, tax_shipping = $2, updated_at = now()`, [settings.pricesIncludeTax, settings.taxShipping]);
