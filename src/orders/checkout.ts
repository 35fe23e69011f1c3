import { randomUUID } from 'node:crypto';
import type { Queryable, Tx } from '../shared/db.js';
import { AppError, Conflict, Unprocessable } from '../shared/errors.js';
import { readCart, type Cart } from '../cart/read-cart.js';
import { takeStock } from '../catalog/stock.js';
import type { Delivery } from './delivery.js';
import { readOrder, type Order } from './order-views.js';
import { priceOrder, type Pricing } from './pricing.js';
import { ORDER_STATUS_CHANGED } from './state-machine.js';
import { cartDiscount, recordUse, type AppliedDiscount } from '../promotions/discount-codes.js';

export class CartEmpty extends Unprocessable {
  constructor() {
    super('CART_EMPTY', 'The cart is empty; add something before checking out');
  }
}

export class CartChanged extends Conflict {
  constructor(expectedTotalMinor: number, totalMinor: number) {
    super('CART_CHANGED', `The order now totals ${totalMinor}, not the expected ${expectedTotalMinor}; review it and check out again`, {
      expectedTotalMinor,
      totalMinor,
    });
  }
}

/** Staff blocked the buyer (src/customers/blocking.ts); their reason stays with staff. */
export class CustomerBlocked extends AppError {
  constructor() {
    super('CUSTOMER_BLOCKED', 'Checkout blocked', 'This account cannot place orders; please contact the shop');
  }
}

export type CheckoutRequest = {
  userId: string;
  currency: string;
  /** how long the order holds its stock while awaiting payment */
  ttlMinutes: number;
  delivery: Delivery;
  expectedTotalMinor?: number;
};

/**
 * The caller's cart priced for this delivery, as checkout would charge it; changes nothing. A
 * buyer staff blocked from checkout is refused here, so the quote says what checkout would.
 */
export async function quote(
  db: Queryable,
  request: Omit<CheckoutRequest, 'ttlMinutes'>,
  options: { forUpdate?: boolean } = {},
): Promise<{ cart: Cart; pricing: Pricing; discount: AppliedDiscount | null }> {
  const cart = await readCart(db, { userId: request.userId }, request.currency, { ...options, checkingOut: true });
  if (cart.buyerBlocked) throw new CustomerBlocked();
  if (!cart.lines.length) throw new CartEmpty();
  // The cart's code is checked again here: one that stopped applying refuses the quote and checkout.
  const discount = await cartDiscount(db, request.userId, cart);
  const { address, methodId, cashOnDelivery } = request.delivery;
  const pricing = await priceOrder(db, cart, { address, methodId, cashOnDelivery }, discount);
  return { cart, pricing, discount };
}

/**
 * Turns the buyer's cart into an order, all or nothing: run it inside one transaction. The
 * order is priced (shipping, tax) in the same transaction that takes the stock, and a total
 * other than the one the buyer saw changes nothing. It awaits payment, holding its stock until
 * it expires; with cash on delivery it is CONFIRMED at once and never expires. The cart's
 * discount code is counted in the same transaction; a code used up meanwhile orders nothing.
 */
export async function checkout(tx: Tx, request: CheckoutRequest): Promise<Order> {
  const { cart, pricing, discount } = await quote(tx, request, { forUpdate: true });
  if (request.expectedTotalMinor !== undefined && request.expectedTotalMinor !== pricing.totalMinor) {
    throw new CartChanged(request.expectedTotalMinor, pricing.totalMinor);
  }
  // The order's id is chosen here so that the stock ledger's rows name it (its foreign key is
  // checked at commit, after the order row exists).
  const orderId = randomUUID();
  await takeStock(tx, cart.lines, { reason: 'checkout', actor: `customer:${request.userId}`, orderId });
  await createOrder(tx, orderId, request, cart, pricing);
  if (discount) await recordUse(tx, discount, orderId, request.userId);
  await emptyCart(tx, request.userId);
  return readOrder(tx, orderId, { audience: 'customer', userId: request.userId });
}

/**
 * Order, its lines (as sold: variant, SKU, titles, option values, price, tax) and its first
 * history entry, in one statement. Later catalog, shipping or tax edits do not touch it.
 */
async function createOrder(tx: Tx, orderId: string, request: CheckoutRequest, cart: Cart, pricing: Pricing): Promise<void> {
  const column = <K extends keyof Cart['lines'][number]>(key: K) => cart.lines.map((line) => line[key]);
  const { delivery } = request;
  await tx.query(
    `WITH created AS (
       INSERT INTO orders (id, user_id, status, currency, subtotal_minor, total_minor, item_count, expires_at,
                           shipping_address, contact_email, contact_phone, shipping_method_id, shipping_method_name,
                           shipping_minor, tax_minor, shipping_tax_minor, tax_included, payment_method, cod_fee_minor,
                           discount_code, discount_type, discount_minor)
       VALUES ($35, $1, $27::"OrderStatus", $2, $3, $4, $5, CASE WHEN $28::text IS NULL THEN now() + make_interval(mins => $6) END,
               $18, $19, $20, $21, $22, $23, $24, $25, $26, $28, $29, $31, $32::"DiscountType", $33)
       RETURNING id, status
     ), lines AS (
       INSERT INTO order_items (order_id, product_id, variant_id, sku, title, variant_title, option_values, unit_price_minor, quantity, line_total_minor, tax_minor, discount_minor)
       SELECT created.id, line.* FROM created,
              unnest($7::uuid[], $8::uuid[], $9::text[], $10::text[], $11::text[], $12::jsonb[], $13::int[], $14::int[], $15::int[], $16::int[], $34::int[]) AS line
     ), first_status AS (
       INSERT INTO order_status_changes (order_id, from_status, to_status, actor)
       SELECT id, NULL, status, $17 FROM created
     ), placed AS (
       INSERT INTO outbox (topic, payload)
       SELECT $30, jsonb_build_object('orderId', id, 'from', NULL, 'to', status) FROM created
     )
     SELECT id FROM created`,
    [
      request.userId,
      pricing.currency,
      pricing.subtotalMinor,
      pricing.totalMinor,
      pricing.itemCount,
      request.ttlMinutes,
      column('productId'),
      column('variantId'),
      column('sku'),
      column('productTitle'),
      column('variantTitle'),
      column('optionValues').map((values) => JSON.stringify(values)),
      column('unitPriceMinor'),
      column('quantity'),
      column('lineTotalMinor'),
      pricing.lines.map((line) => line.taxMinor),
      `customer:${request.userId}`,
      JSON.stringify(delivery.address),
      delivery.email,
      delivery.phone,
      pricing.shippingMethod.id,
      pricing.shippingMethod.name,
      pricing.shippingMinor,
      pricing.taxMinor,
      pricing.shippingTaxMinor,
      pricing.taxIncluded,
      pricing.paymentMethod === 'cod' ? 'CONFIRMED' : 'AWAITING_PAYMENT',
      pricing.paymentMethod,
      pricing.codFeeMinor,
      ORDER_STATUS_CHANGED,
      pricing.discount?.code ?? null,
      pricing.discount?.type ?? null,
      pricing.discountMinor,
      pricing.lines.map((line) => line.discountMinor),
      orderId,
    ],
  );
}

async function emptyCart(tx: Tx, userId: string): Promise<void> {
  await tx.query(`DELETE FROM cart_items WHERE cart_id = (SELECT id FROM carts WHERE user_id = $1)`, [userId]);
  await tx.query(`UPDATE carts SET discount_code_id = NULL WHERE user_id = $1`, [userId]);
}
