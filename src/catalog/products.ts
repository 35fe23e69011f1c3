import type pg from 'pg';
import type { Queryable } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { decodeCursor, encodeCursor } from './product-cursor.js';
import type { ProductListQuery, Sort } from './schemas.js';

export type Product = {
  id: string;
  sku: string;
  slug: string;
  title: string;
  description: string;
  imageUrl: string | null;
  priceMinor: number;
  currency: string;
  stock: number;
  inStock: boolean;
  category: { id: string; slug: string; name: string } | null;
  createdAt: Date;
};

type ProductRow = Omit<Product, 'inStock' | 'category'> & { categoryId: string | null; categorySlug: string | null; categoryName: string | null };

export type ProductPage = { items: Product[]; nextCursor: string | null; total: number; totalExact: boolean };

/** Counting stops after this many matches, so `total` stays cheap on a large catalog. */
const COUNT_LIMIT = 1_000; // a text search matching 10k of 100k products took 134 ms to count, 1k takes ~13 ms

const PRODUCT_COLUMNS = `p.id, p.sku, p.slug, p.title, p.description, p.image_url AS "imageUrl", p.price_minor AS "priceMinor",
  p.currency, p.stock, p.created_at AS "createdAt", c.id AS "categoryId", c.slug AS "categorySlug", c.name AS "categoryName"`;
const PRODUCTS_WITH_CATEGORY = 'products p LEFT JOIN categories c ON c.id = p.category_id';

type Order = { orderBy: string; after(key: string, id: string): string; keyOf(row: ProductRow): string | number };

// Each sort is served by one of the (active, <key>, id) indexes; the id breaks ties, so a page
// boundary is an exact position and keyset paging never skips or repeats a product.
const ORDERS: Record<Sort, Order> = {
  newest: {
    orderBy: 'p.created_at DESC, p.id',
    // mixed directions rule out a row comparison; the first term still bounds the index scan
    after: (key, id) => `p.created_at <= ${key}::timestamptz AND (p.created_at < ${key}::timestamptz OR p.id > ${id}::uuid)`,
    keyOf: (row) => row.createdAt.toISOString(),
  },
  price_asc: {
    orderBy: 'p.price_minor, p.id',
    after: (key, id) => `(p.price_minor, p.id) > (${key}::int, ${id}::uuid)`,
    keyOf: (row) => row.priceMinor,
  },
  price_desc: {
    orderBy: 'p.price_minor DESC, p.id DESC',
    after: (key, id) => `(p.price_minor, p.id) < (${key}::int, ${id}::uuid)`,
    keyOf: (row) => row.priceMinor,
  },
  title: {
    orderBy: 'p.title, p.id',
    after: (key, id) => `(p.title, p.id) > (${key}::text, ${id}::uuid)`,
    keyOf: (row) => row.title,
  },
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/**
 * The SQL for one page of the listing (one row more than the limit, to know whether a next
 * page exists) and for its capped count. Exported so the benchmark's ceiling runs exactly this.
 */
export function productListSql(query: ProductListQuery): { page: pg.QueryConfig; count: pg.QueryConfig } {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const where = ['p.active'];
  if (query.category !== undefined) where.push(`p.category_id = (SELECT id FROM categories WHERE slug = ${param(query.category)})`);
  // exactly the expression of products_search_trgm_idx, so the trigram index serves it
  if (query.q !== undefined) where.push(`lower(p.title || ' ' || p.sku || ' ' || p.description) LIKE '%' || lower(${param(escapeLike(query.q))}) || '%'`);
  if (query.minPrice !== undefined) where.push(`p.price_minor >= ${param(query.minPrice)}`);
  if (query.maxPrice !== undefined) where.push(`p.price_minor <= ${param(query.maxPrice)}`);
  if (query.inStock) where.push('p.stock > 0');
  const count = {
    text: `SELECT count(*)::int AS total FROM (SELECT 1 FROM products p WHERE ${where.join(' AND ')} LIMIT ${COUNT_LIMIT + 1}) matching`,
    values: [...values],
  };
  const order = ORDERS[query.sort];
  if (query.cursor !== undefined) {
    const position = decodeCursor(query.cursor, query.sort);
    where.push(order.after(param(position.key), param(position.id)));
  }
  const page = {
    text: `SELECT ${PRODUCT_COLUMNS} FROM ${PRODUCTS_WITH_CATEGORY} WHERE ${where.join(' AND ')} ORDER BY ${order.orderBy} LIMIT ${param(query.limit + 1)}`,
    values,
  };
  return { page, count };
}

// Spelled out, not rest/spread: this runs for every listed product and a literal is far cheaper.
function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    slug: row.slug,
    title: row.title,
    description: row.description,
    imageUrl: row.imageUrl,
    priceMinor: row.priceMinor,
    currency: row.currency,
    stock: row.stock,
    inStock: row.stock > 0,
    category: row.categoryId ? { id: row.categoryId, slug: row.categorySlug!, name: row.categoryName! } : null,
    createdAt: row.createdAt,
  };
}

/** One page of active products: the page and its count run side by side (two queries). */
export async function listProducts(db: Queryable, query: ProductListQuery): Promise<ProductPage> {
  const sql = productListSql(query);
  const [page, count] = await Promise.all([db.query<ProductRow>(sql.page), db.query<{ total: number }>(sql.count)]);
  const rows = page.rows.length > query.limit ? page.rows.slice(0, query.limit) : page.rows;
  const last = rows.at(-1);
  const { total } = count.rows[0];
  return {
    items: rows.map(toProduct),
    nextCursor: last && page.rows.length > query.limit ? encodeCursor(query.sort, { key: ORDERS[query.sort].keyOf(last), id: last.id }) : null,
    total: Math.min(total, COUNT_LIMIT),
    totalExact: total <= COUNT_LIMIT,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An active product by id or slug; anything else is not found. */
export async function findProduct(db: Queryable, idOrSlug: string): Promise<Product> {
  const column = UUID.test(idOrSlug) ? 'p.id' : 'p.slug';
  const { rows } = await db.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM ${PRODUCTS_WITH_CATEGORY} WHERE p.active AND ${column} = $1`, [idOrSlug]);
  if (!rows[0]) throw new NotFound('Product');
  return toProduct(rows[0]);
}
