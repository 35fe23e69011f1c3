import type { Tx } from '../shared/db.js';
import { Conflict, Unprocessable } from '../shared/errors.js';
import { readCart, type Cart } from '../cart/read-cart.js';
import { takeStock } from '../catalog/stock.js';
import { readOrder, type Order, type OrderItem } from './order-views.js';

export class CartEmpty extends Unprocessable {
  constructor() {
    super('CART_EMPTY', 'The cart is empty; add something before checking out');
  }
}

export class CartChanged extends Conflict {
  constructor(expectedTotalMinor: number, totalMinor: number) {
    super('CART_CHANGED', `The cart now totals ${totalMinor}, not the expected ${expectedTotalMinor}; review it and check out again`, {
      expectedTotalMinor,
      totalMinor,
    });
  }
}

export type CheckoutRequest = {
  userId: string;
  currency: string;
  /** how long the order holds its stock while awaiting payment */
  ttlMinutes: number;
  expectedTotalMinor?: number;
};

/**
 * Turns the buyer's cart into an order awaiting payment, all or nothing: run it inside one
 * transaction. Stock is taken before anything is written, so a short line changes nothing.
 */
export async function checkout(tx: Tx, request: CheckoutRequest): Promise<Order> {
  const cart = await readCart(tx, request.userId, request.currency, { forUpdate: true });
  if (!cart.lines.length) throw new CartEmpty();
  if (request.expectedTotalMinor !== undefined && request.expectedTotalMinor !== cart.subtotalMinor) {
    throw new CartChanged(request.expectedTotalMinor, cart.subtotalMinor);
  }
  await takeStock(tx, cart.lines);
  const orderId = await createOrder(tx, request, snapshot(cart));
  await emptyCart(tx, request.userId);
  return readOrder(tx, orderId, { audience: 'customer', userId: request.userId });
}

type Snapshot = { currency: string; subtotalMinor: number; totalMinor: number; itemCount: number; items: OrderItem[] };

/** The lines as sold (variant, SKU, titles, option values, price): later catalog edits do not touch the order. */
function snapshot(cart: Cart): Snapshot {
  return {
    currency: cart.currency,
    subtotalMinor: cart.subtotalMinor,
    totalMinor: cart.subtotalMinor, // no shipping or tax charged yet
    itemCount: cart.itemCount,
    items: cart.lines.map((line) => ({
      productId: line.productId,
      variantId: line.variantId,
      sku: line.sku,
      title: line.title,
      productTitle: line.productTitle,
      variantTitle: line.variantTitle,
      optionValues: line.optionValues,
      unitPriceMinor: line.unitPriceMinor,
      quantity: line.quantity,
      lineTotalMinor: line.lineTotalMinor,
    })),
  };
}

/** Order, its lines and its first history entry, in one statement. */
async function createOrder(tx: Tx, request: CheckoutRequest, order: Snapshot): Promise<string> {
  const column = <K extends keyof OrderItem>(key: K) => order.items.map((item) => item[key]);
  const { rows } = await tx.query<{ id: string }>(
    `WITH created AS (
       INSERT INTO orders (user_id, status, currency, subtotal_minor, total_minor, item_count, expires_at)
       VALUES ($1, 'AWAITING_PAYMENT', $2, $3, $4, $5, now() + make_interval(mins => $6))
       RETURNING id
     ), lines AS (
       INSERT INTO order_items (order_id, product_id, variant_id, sku, title, variant_title, option_values, unit_price_minor, quantity, line_total_minor)
       SELECT created.id, line.* FROM created,
              unnest($7::uuid[], $8::uuid[], $9::text[], $10::text[], $11::text[], $12::jsonb[], $13::int[], $14::int[], $15::int[]) AS line
     ), first_status AS (
       INSERT INTO order_status_changes (order_id, from_status, to_status, actor)
       SELECT id, NULL, 'AWAITING_PAYMENT', $16 FROM created
     )
     SELECT id FROM created`,
    [
      request.userId,
      order.currency,
      order.subtotalMinor,
      order.totalMinor,
      order.itemCount,
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
      `customer:${request.userId}`,
    ],
  );
  return rows[0].id;
}

async function emptyCart(tx: Tx, userId: string): Promise<void> {
  await tx.query(`DELETE FROM cart_items WHERE cart_id = (SELECT id FROM carts WHERE user_id = $1)`, [userId]);
}
