// The one way to make the shop's data in a test: categories, products, users (customers and
// Clerk staff, each with a session token) and orders in any status. Orders are made as checkout
// and payment would leave them: lines, stock held while the status holds it (statuses.ts), the
// status history that led there, and a captured payment once paid or held.
import type pg from 'pg';
import { HOLDS_STOCK, PATH_TO, type OrderStatus } from '../../src/orders/statuses.js';
import { tokenFor, uniqueId } from './test-app.js';
import type { StoredVariantFields } from '../../src/catalog/variant-rules.js';

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
  /** the product's one variant (createProduct) or its first (createProductWithVariants) */
  variantId: string;
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

export type ProductInput = Partial<Omit<ProductFixture, 'id' | 'variantId'>> & { imageUrl?: string | null; compareAtPriceMinor?: number | null };

type ProductRow = Omit<ProductFixture, 'variantId' | 'sku' | 'priceMinor' | 'stock'>;

async function insertProduct(pool: pg.Pool, input: ProductInput, skuHint: string): Promise<ProductRow> {
  const title = input.title ?? `Product ${skuHint}`;
  const { rows } = await pool.query<ProductRow>(
    `INSERT INTO products (slug, title, description, image_url, currency, active, category_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, now()))
     RETURNING id, slug, title, description, currency, active, category_id AS "categoryId", created_at AS "createdAt"`,
    [
      input.slug ?? slugOf(skuHint),
      title,
      input.description ?? `${title}, described`,
      input.imageUrl === undefined ? 'https://img.example/p.jpg' : input.imageUrl,
      input.currency ?? 'USD',
      input.active ?? true,
      input.categoryId ?? null,
      input.createdAt ?? null,
    ],
  );
  return rows[0];
}

export type VariantFixture = StoredVariantFields & { id: string; productId: string };

export type VariantInput = Partial<Omit<VariantFixture, 'id' | 'productId'>> & { imageUrl?: string | null };

export async function createVariant(pool: pg.Pool, productId: string, input: VariantInput = {}): Promise<VariantFixture> {
  const { rows } = await pool.query<VariantFixture>(
    `INSERT INTO product_variants (product_id, sku, option_values, price_minor, compare_at_price_minor, stock, active, position, image_url)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     RETURNING id, product_id AS "productId", sku, option_values AS "optionValues", price_minor AS "priceMinor",
               compare_at_price_minor AS "compareAtPriceMinor", stock, active, position`,
    [
      productId,
      input.sku ?? uniqueId('SKU').toUpperCase(),
      JSON.stringify(input.optionValues ?? {}),
      input.priceMinor ?? 1000,
      input.compareAtPriceMinor ?? null,
      input.stock ?? 10,
      input.active ?? true,
      input.position ?? 0,
      input.imageUrl ?? null,
    ],
  );
  return rows[0];
}

/** A product without options: the product and its one variant, which carries SKU, price and stock. */
export async function createProduct(pool: pg.Pool, input: ProductInput = {}): Promise<ProductFixture> {
  const sku = input.sku ?? uniqueId('SKU').toUpperCase();
  const product = await insertProduct(pool, input, sku);
  const variant = await createVariant(pool, product.id, {
    sku,
    priceMinor: input.priceMinor,
    compareAtPriceMinor: input.compareAtPriceMinor,
    stock: input.stock,
  });
  return { ...product, variantId: variant.id, sku, priceMinor: variant.priceMinor, stock: variant.stock };
}

export type ProductWithVariants = ProductFixture & { options: { name: string; values: string[] }[]; variants: VariantFixture[] };

/**
 * A product with options (in order, each with its values in order) and a variant per entry of
 * `variants`; by default one per combination of values, in that order, 10 in stock at 1000.
 */
export async function createProductWithVariants(
  pool: pg.Pool,
  input: ProductInput & { options: { name: string; values: string[] }[]; variants?: VariantInput[] },
): Promise<ProductWithVariants> {
  const hint = input.sku ?? uniqueId('SKU').toUpperCase();
  const product = await insertProduct(pool, input, hint);
  for (const [position, option] of input.options.entries()) {
    await pool.query(`INSERT INTO product_options (product_id, name, position, values) VALUES ($1, $2, $3, $4)`, [
      product.id,
      option.name,
      position,
      option.values,
    ]);
  }
  const combinations = input.options.reduce<Record<string, string>[]>(
    (combos, option) => combos.flatMap((combo) => option.values.map((value) => ({ ...combo, [option.name]: value }))),
    [{}],
  );
  const wanted = input.variants ?? combinations.map((optionValues) => ({ optionValues }));
  const variants: VariantFixture[] = [];
  for (const [position, variant] of wanted.entries()) {
    const values = variant.optionValues ?? combinations[position];
    variants.push(
      await createVariant(pool, product.id, {
        position,
        sku: `${hint}-${Object.values(values).join('-').toUpperCase()}`,
        priceMinor: input.priceMinor,
        stock: input.stock,
        ...variant,
        optionValues: values,
      }),
    );
  }
  const [first] = variants;
  return { ...product, variantId: first.id, sku: first.sku, priceMinor: first.priceMinor, stock: first.stock, options: input.options, variants };
}

/** The API's JSON for a product made with createProduct (default image) in `category`: as listed, or on its own page. */
export function productJson(product: ProductFixture, category: CategoryFixture | null, view: 'listed' | 'page' = 'listed') {
  const inStock = product.stock > 0;
  const listed = { id: product.variantId, sku: product.sku, optionValues: {}, priceMinor: product.priceMinor, compareAtPriceMinor: null, inStock };
  const variant = view === 'listed' ? listed : { ...listed, title: null, stock: product.stock, imageUrl: null };
  return {
    id: product.id,
    slug: product.slug,
    title: product.title,
    description: product.description,
    imageUrl: 'https://img.example/p.jpg',
    mainImage: null,
    currency: product.currency,
    priceRange: { minMinor: product.priceMinor, maxMinor: product.priceMinor },
    inStock,
    options: [],
    variants: [variant],
    category: category && { id: category.id, slug: category.slug, name: category.name },
    createdAt: product.createdAt.toISOString(),
    ...(view === 'page' ? { images: [] } : {}),
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

type OrderedProduct = Pick<ProductFixture, 'id' | 'variantId' | 'sku' | 'title' | 'priceMinor'>;

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
  const cashOnDelivery = path[0] === 'CONFIRMED'; // confirmed at checkout, never expires, paid at the door
  const { rows } = await pool.query<{ id: string; number: number }>(
    `INSERT INTO orders (user_id, status, currency, subtotal_minor, total_minor, item_count, created_at, paid_at, expires_at, payment_method)
     VALUES ($1, $2, $3, $4, $4, $5, now() - make_interval(days => $6), CASE WHEN $7 THEN now() - make_interval(days => $6) END,
             CASE WHEN NOT $9 THEN now() + make_interval(mins => $8) END, CASE WHEN $9 THEN 'cod' END)
     RETURNING id, number`,
    [input.userId, status, currency, total, itemCount, input.createdDaysAgo ?? 0, paid, input.expiresInMinutes ?? 30, cashOnDelivery],
  );
  const order = rows[0];
  for (const line of input.lines) {
    await pool.query(
      `INSERT INTO order_items (order_id, product_id, variant_id, sku, title, unit_price_minor, quantity, line_total_minor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        order.id,
        line.product.id,
        line.product.variantId,
        line.product.sku,
        line.product.title,
        line.product.priceMinor,
        line.quantity,
        line.product.priceMinor * line.quantity,
      ],
    );
    if (HOLDS_STOCK.has(status)) await pool.query(`UPDATE product_variants SET stock = stock - $2 WHERE id = $1`, [line.product.variantId, line.quantity]);
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

/** A variant's stock now; takes the fixture (createProduct's, or a variant) so a product id cannot slip in. */
export const stockOf = async (pool: pg.Pool, of: { variantId: string } | VariantFixture) =>
  (await pool.query<{ stock: number }>(`SELECT stock FROM product_variants WHERE id = $1`, ['variantId' in of ? of.variantId : of.id])).rows[0].stock;

export const orderStatus = async (pool: pg.Pool, orderId: string) =>
  (await pool.query<{ status: OrderStatus }>(`SELECT status FROM orders WHERE id = $1`, [orderId])).rows[0].status;
