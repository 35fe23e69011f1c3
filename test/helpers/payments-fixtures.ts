// Payment stories: an order awaiting payment with its own buyer and product, and what to
// assert on after a gateway message.
import type pg from 'pg';
import { inTransaction } from '../../src/shared/db.js';
import { transition } from '../../src/orders/state-machine.js';
import type { OrderStatus } from '../../src/orders/statuses.js';
import { taxOn } from '../../src/tax/tax-math.js';
import { createOrder, createProduct, createUser } from './fixtures.js';
import { uniqueId, type TestApp } from './test-app.js';

/** Storefront pages the gateways send the buyer back to (settings for useTestShop's env). */
export const STOREFRONT = {
  STOREFRONT_SUCCESS_URL: 'https://store.test/paid',
  STOREFRONT_FAIL_URL: 'https://store.test/failed',
  STOREFRONT_CANCEL_URL: 'https://store.test/cancelled',
};

export type PayableOrder = {
  orderId: string;
  orderNumber: number;
  userId: string;
  /** the buyer's session token */
  token: string;
  productId: string;
  variantId: string;
  totalMinor: number;
  currency: string;
};

/** An order as checkout leaves it (AWAITING_PAYMENT, one line, `stockLeft` on the shelf), with its own buyer and product. */
export async function createPayableOrder(
  pool: pg.Pool,
  options: { currency?: string; unitPriceMinor?: number; quantity?: number; stockLeft?: number; expiresInMinutes?: number } = {},
): Promise<PayableOrder> {
  const { currency = 'USD', unitPriceMinor = 1250, quantity = 2, stockLeft = 3, expiresInMinutes = 30 } = options;
  const buyer = await createUser(pool, { name: 'Test Buyer' });
  const product = await createProduct(pool, { priceMinor: unitPriceMinor, currency, stock: stockLeft + quantity });
  const order = await createOrder(pool, { userId: buyer.id, lines: [{ product, quantity }], currency, expiresInMinutes });
  return {
    orderId: order.id,
    orderNumber: order.number,
    userId: buyer.id,
    token: buyer.token,
    productId: product.id,
    variantId: product.variantId,
    totalMinor: order.totalMinor,
    currency,
  };
}

/** An address in Bangladesh, as checkout stores it (phone in E.164). */
export const SHIP_TO = {
  recipientName: 'Rahim Uddin',
  phone: '+8801712345678',
  line1: 'House 12, Road 5',
  line2: 'Flat 3B',
  city: 'Dhaka',
  region: 'Dhaka',
  postalCode: '1205',
  country: 'BD',
};

export type DeliveredOrderOptions = {
  currency?: string;
  /** each line a product of its own; `variantTitle` as checkout stores it ("M / Red") */
  lines?: { title?: string; variantTitle?: string | null; unitPriceMinor: number; quantity: number }[];
  address?: Record<string, string | null>;
  methodName?: string;
  shippingMinor?: number;
  /** the tax rate (15% = 150_000), per line and on shipping when taxShipping */
  ratePpm?: number;
  taxIncluded?: boolean;
  taxShipping?: boolean;
  contactEmail?: string | null;
  contactPhone?: string | null;
};

export type DeliveredOrder = PayableOrder & { subtotalMinor: number; shippingMinor: number; taxMinor: number; shippingTaxMinor: number; lineTaxes: number[] };

/**
 * An order as checkout with delivery leaves it: lines, shipping by a method, tax per line (and
 * on shipping), an address and a contact, priced the way src/orders/pricing.ts prices
 * (total = subtotal + shipping + (included ? 0 : tax), which the orders table checks).
 */
export async function createDeliveredOrder(pool: pg.Pool, options: DeliveredOrderOptions = {}): Promise<DeliveredOrder> {
  const {
    currency = 'BDT',
    lines = [
      { title: 'T-shirt', variantTitle: 'M / Red', unitPriceMinor: 50_000, quantity: 2 },
      { title: 'Mug', variantTitle: null, unitPriceMinor: 35_050, quantity: 1 },
    ],
    address = SHIP_TO,
    methodName = 'Dhaka courier',
    shippingMinor = 6_000,
    ratePpm = 150_000,
    taxIncluded = false,
    taxShipping = true,
    contactEmail = 'rahim@example.test',
    contactPhone = '+8801812345678',
  } = options;
  const buyer = await createUser(pool, { name: 'Test Buyer' });
  const products = [];
  for (const line of lines)
    products.push(await createProduct(pool, { title: line.title ?? uniqueId('Product'), priceMinor: line.unitPriceMinor, currency, stock: line.quantity + 3 }));
  const order = await createOrder(pool, {
    userId: buyer.id,
    lines: products.map((product, i) => ({ product, quantity: lines[i].quantity })),
    currency,
    expiresInMinutes: 60,
  });

  const lineTaxes = lines.map((line) => taxOn(line.unitPriceMinor * line.quantity, ratePpm, taxIncluded));
  const shippingTaxMinor = taxShipping ? taxOn(shippingMinor, ratePpm, taxIncluded) : 0;
  const taxMinor = lineTaxes.reduce((sum, t) => sum + t, shippingTaxMinor);
  await pool.query(
    `UPDATE order_items i SET variant_title = line.variant_title, tax_minor = line.tax_minor
       FROM unnest($2::uuid[], $3::text[], $4::int[]) AS line(variant_id, variant_title, tax_minor)
      WHERE i.order_id = $1 AND i.variant_id = line.variant_id`,
    [order.id, products.map((p) => p.variantId), lines.map((l) => l.variantTitle ?? null), lineTaxes],
  );
  const { rows } = await pool.query<{ subtotalMinor: number; totalMinor: number }>(
    `UPDATE orders SET shipping_address = $2, contact_email = $3, contact_phone = $4, shipping_method_name = $5, shipping_minor = $6,
                       tax_minor = $7, shipping_tax_minor = $8, tax_included = $9, total_minor = subtotal_minor + $6 + CASE WHEN $9 THEN 0 ELSE $7 END
      WHERE id = $1 RETURNING subtotal_minor AS "subtotalMinor", total_minor AS "totalMinor"`,
    [order.id, JSON.stringify(address), contactEmail, contactPhone, methodName, shippingMinor, taxMinor, shippingTaxMinor, taxIncluded],
  );
  return {
    orderId: order.id,
    orderNumber: order.number,
    userId: buyer.id,
    token: buyer.token,
    productId: products[0].id,
    variantId: products[0].variantId,
    currency,
    ...rows[0],
    shippingMinor,
    taxMinor,
    shippingTaxMinor,
    lineTaxes,
  };
}

/** What the expiry job (or a cancel) does: through the state machine, so the stock goes back. */
export function moveOrder(pool: pg.Pool, orderId: string, to: OrderStatus, actor = 'system:expiry') {
  return inTransaction(pool, (tx) => transition(tx, orderId, to, { actor }));
}

export async function setStock(pool: pg.Pool, variantId: string, stock: number) {
  await pool.query(`UPDATE product_variants SET stock = $2 WHERE id = $1`, [variantId, stock]);
}

/** The order, its variant's stock and its history, to assert on after each act. */
export async function orderState(pool: pg.Pool, order: PayableOrder) {
  const { rows } = await pool.query(
    `SELECT o.status, (SELECT stock FROM product_variants WHERE id = $2) AS stock,
            (SELECT coalesce(json_agg(json_build_array(c.from_status, c.to_status) ORDER BY c.created_at), '[]') FROM order_status_changes c WHERE c.order_id = o.id) AS history
       FROM orders o WHERE o.id = $1`,
    [order.orderId, order.variantId],
  );
  return rows[0] as { status: OrderStatus; stock: number; history: [string | null, string][] };
}

export async function paymentsOf(pool: pg.Pool, orderId: string) {
  const { rows } = await pool.query(
    `SELECT id, provider, status, amount_minor AS "amountMinor", currency, provider_ref AS "providerRef", refund_ref AS "refundRef", failure_reason AS "failureReason"
       FROM payments WHERE order_id = $1 ORDER BY created_at, id`,
    [orderId],
  );
  return rows as {
    id: string;
    provider: string;
    status: string;
    amountMinor: number;
    currency: string;
    providerRef: string | null;
    refundRef: string | null;
    failureReason: string | null;
  }[];
}

/** The payment's refunds rows, oldest first. */
export async function refundsOf(pool: pg.Pool, paymentId: string) {
  const { rows } = await pool.query<{ id: string; status: string; amountMinor: number; attempts: number; providerRefundId: string | null; actor: string }>(
    `SELECT id, status, amount_minor AS "amountMinor", attempts, provider_refund_id AS "providerRefundId", actor FROM refunds WHERE payment_id = $1 ORDER BY created_at, id`,
    [paymentId],
  );
  return rows;
}

export async function inboxOf(pool: pg.Pool, paymentId: string) {
  const { rows } = await pool.query(
    `SELECT provider, provider_event_id AS "eventId", type, outcome FROM payment_events WHERE payment_id = $1 ORDER BY received_at, id`,
    [paymentId],
  );
  return rows as { provider: string; eventId: string; type: string; outcome: string }[];
}

export async function countInbox(pool: pg.Pool) {
  const { rows } = await pool.query(`SELECT count(*) AS n FROM payment_events`);
  return rows[0].n as number;
}

/** Opens a mock payment for the order, as its buyer; answers the payment id. */
export async function startMockPayment(shop: TestApp, order: PayableOrder): Promise<string> {
  const res = await shop.request
    .post(`/api/orders/${order.orderId}/payments`)
    .set('Authorization', `Bearer ${order.token}`)
    .send({ provider: 'mock' })
    .expect(201);
  return res.body.id;
}
