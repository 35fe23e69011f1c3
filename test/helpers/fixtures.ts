// The one way to make the shop's data in a test: categories, products, users (customers and
// Clerk staff, each with a session token) and orders in any status. Orders are made as checkout
// and payment would leave them: lines, stock held while the status holds it (statuses.ts), the
// status history that led there, and a captured payment once paid or held.
import type pg from 'pg';
import { HOLDS_STOCK, PATH_TO, type OrderStatus } from '../../src/orders/statuses.js';
import { tokenFor, uniqueId } from './test-app.js';

export type CategoryFixture = { id: string; slug: string; name: string; description: string };

const slugOf = (id: string) => id.toLowerCase().replaceAll('_', '-');

export async function createCategory(pool: pg.Pool, overrides: Partial<Omit<CategoryFixture, 'id'>> = {}): Promise<CategoryFixture> {
  const name = overrides.name ?? uniqueId('Category');
  const { rows } = await pool.query<CategoryFixture>(
    `INSERT INTO categories (name, slug, description) VALUES ($1, $2, $3) RETURNING id, slug, name, description`,
    [name, overrides.slug ?? slugOf(name), overrides.description ?? `All about ${name}`],
  );
  return rows[0];
}

export type ProductFixture = {
  id: string;
  sku: string;
  slug: string;
  title: string;
  description: string;
  priceMinor: number;
  currency: string;
  stock: number;
  active: boolean;
  categoryId: string | null;
  createdAt: Date;
};

export type ProductInput = Partial<Omit<ProductFixture, 'id'>> & { imageUrl?: string | null };

export async function createProduct(pool: pg.Pool, input: ProductInput = {}): Promise<ProductFixture> {
  const sku = input.sku ?? uniqueId('SKU').toUpperCase();
  const title = input.title ?? `Product ${sku}`;
  const { rows } = await pool.query<ProductFixture>(
    `INSERT INTO products (sku, slug, title, description, image_url, price_minor, currency, stock, active, category_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, now()))
     RETURNING id, sku, slug, title, description, price_minor AS "priceMinor", currency, stock, active, category_id AS "categoryId", created_at AS "createdAt"`,
    [
      sku,
      input.slug ?? slugOf(sku),
      title,
      input.description ?? `${title}, described`,
      input.imageUrl === undefined ? 'https://img.example/p.jpg' : input.imageUrl,
      input.priceMinor ?? 1000,
      input.currency ?? 'USD',
      input.stock ?? 10,
      input.active ?? true,
      input.categoryId ?? null,
      input.createdAt ?? null,
    ],
  );
  return rows[0];
}

/** The API's JSON for a product made with createProduct (default image) in `category`. */
export function productJson(product: ProductFixture, category: CategoryFixture | null) {
  return {
    id: product.id,
    sku: product.sku,
    slug: product.slug,
    title: product.title,
    description: product.description,
    imageUrl: 'https://img.example/p.jpg',
    priceMinor: product.priceMinor,
    currency: product.currency,
    stock: product.stock,
    inStock: product.stock > 0,
    category: category && { id: category.id, slug: category.slug, name: category.name },
    createdAt: product.createdAt.toISOString(),
  };
}

export type UserFixture = {
  id: string;
  clerkUserId: string;
  email: string;
  /** a session token for this user, as Clerk would issue it */
  token: string;
  /** `Bearer <token>`, for the Authorization header */
  auth: string;
};

/** A user row plus a session token for it. Role `admin` makes a Clerk staff member. */
export async function createUser(pool: pg.Pool, options: { role?: 'customer' | 'admin'; email?: string; name?: string } = {}): Promise<UserFixture> {
  const role = options.role ?? 'customer';
  const clerkUserId = uniqueId(role === 'admin' ? 'staff' : 'user');
  const email = options.email ?? `${clerkUserId}@example.test`;
  const { rows } = await pool.query<{ id: string }>(`INSERT INTO users (clerk_user_id, email, name, role) VALUES ($1, $2, $3, $4::"Role") RETURNING id`, [
    clerkUserId,
    email,
    options.name ?? null,
    role === 'admin' ? 'ADMIN' : 'CUSTOMER',
  ]);
  const token = await tokenFor(clerkUserId, { role, email });
  return { id: rows[0].id, clerkUserId, email, token, auth: `Bearer ${token}` };
}

type OrderedProduct = Pick<ProductFixture, 'id' | 'sku' | 'title' | 'priceMinor'>;

export type OrderInput = {
  userId: string;
  status?: OrderStatus;
  lines: { product: OrderedProduct; quantity: number }[];
  currency?: string;
  createdDaysAgo?: number;
  /** from now; negative: overdue */
  expiresInMinutes?: number;
};

export type OrderFixture = { id: string; number: number; totalMinor: number; currency: string };

/** An order in `status` (default AWAITING_PAYMENT), as checkout, payment and staff would have left it. */
export async function createOrder(pool: pg.Pool, input: OrderInput): Promise<OrderFixture> {
  const status = input.status ?? 'AWAITING_PAYMENT';
  const currency = input.currency ?? 'USD';
  const total = input.lines.reduce((sum, l) => sum + l.product.priceMinor * l.quantity, 0);
  const itemCount = input.lines.reduce((sum, l) => sum + l.quantity, 0);
  const path = PATH_TO[status];
  const paid = path.includes('PAID');
  const { rows } = await pool.query<{ id: string; number: number }>(
    `INSERT INTO orders (user_id, status, currency, subtotal_minor, total_minor, item_count, created_at, paid_at, expires_at)
     VALUES ($1, $2, $3, $4, $4, $5, now() - make_interval(days => $6), CASE WHEN $7 THEN now() - make_interval(days => $6) END, now() + make_interval(mins => $8))
     RETURNING id, number`,
    [input.userId, status, currency, total, itemCount, input.createdDaysAgo ?? 0, paid, input.expiresInMinutes ?? 30],
  );
  const order = rows[0];
  for (const line of input.lines) {
    await pool.query(
      `INSERT INTO order_items (order_id, product_id, sku, title, unit_price_minor, quantity, line_total_minor) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [order.id, line.product.id, line.product.sku, line.product.title, line.product.priceMinor, line.quantity, line.product.priceMinor * line.quantity],
    );
    if (HOLDS_STOCK.has(status)) await pool.query(`UPDATE products SET stock = stock - $2 WHERE id = $1`, [line.product.id, line.quantity]);
  }
  for (const [at, to] of path.entries()) {
    // a second apart, so the history has one order (timestamps have millisecond precision)
    await pool.query(
      `INSERT INTO order_status_changes (order_id, from_status, to_status, actor, created_at) VALUES ($1, $2, $3, 'fixture', now() - make_interval(secs => $4))`,
      [order.id, path[at - 1] ?? null, to, path.length - at],
    );
  }
  if (paid || status === 'ON_HOLD') {
    await pool.query(`INSERT INTO payments (order_id, provider, status, amount_minor, currency, provider_ref) VALUES ($1, 'MOCK', $2, $3, $4, $5)`, [
      order.id,
      status === 'REFUNDED' ? 'REFUNDED' : 'SUCCEEDED',
      total,
      currency,
      uniqueId('mock'),
    ]);
  }
  return { ...order, totalMinor: total, currency };
}

export const stockOf = async (pool: pg.Pool, productId: string) =>
  (await pool.query<{ stock: number }>(`SELECT stock FROM products WHERE id = $1`, [productId])).rows[0].stock;

export const orderStatus = async (pool: pg.Pool, orderId: string) =>
  (await pool.query<{ status: OrderStatus }>(`SELECT status FROM orders WHERE id = $1`, [orderId])).rows[0].status;
