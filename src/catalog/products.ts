import type pg from 'pg';
import type { ImageUrls } from '../media/image-sizes.js';
import { escapeLike } from '../shared/like-pattern.js';
import type { Queryable } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { decodeCursor, encodeCursor } from './product-cursor.js';
import type { ProductListQuery, Sort } from './schemas.js';
import { variantTitleSql } from './variant-title.js';

export type ProductOption = { name: string; values: string[] };

/** A variant as the listing shows it: enough for swatches, "from $X" and an add-to-cart. */
export type VariantSummary = {
  id: string;
  sku: string;
  optionValues: Record<string, string>;
  priceMinor: number;
  compareAtPriceMinor: number | null;
  inStock: boolean;
};

/** A variant on the product's page: also its title ("M / Red"), stock and image. */
export type ProductVariant = VariantSummary & { title: string | null; stock: number; imageUrl: string | null };

/** Where each size of an uploaded image is served (the media storage's urlsOf). */
export type ImageUrlsOf = (key: string) => ImageUrls;

/** A product's uploaded image as the storefront shows it. */
export type ImageView = { alt: string; urls: ImageUrls };
/** On the product's page: every image, in order, the first one main, each maybe of one variant. */
export type ProductImage = ImageView & { id: string; main: boolean; variantId: string | null; width: number | null; height: number | null };

type ProductFields<V> = {
  id: string;
  slug: string;
  title: string;
  description: string;
  /** the main image at card size; without uploaded images, the image URL staff typed (kept for older storefronts) */
  imageUrl: string | null;
  /** the first of the product's uploaded images, in the order staff chose */
  mainImage: ImageView | null;
  currency: string;
  /** over the active variants: what "from $X" shows */
  priceRange: { minMinor: number; maxMinor: number };
  /** some active variant is in stock */
  inStock: boolean;
  options: ProductOption[];
  /** the active variants, in the order staff chose */
  variants: V[];
  category: { id: string; slug: string; name: string } | null;
  createdAt: Date;
};

export type ProductSummary = ProductFields<VariantSummary>;
export type Product = ProductFields<ProductVariant> & { images: ProductImage[] };

type StoredImage = { id: string; key: string; alt: string; variantId: string | null; width: number | null; height: number | null };

type ProductRow<V> = Omit<ProductFields<V>, 'priceRange' | 'inStock' | 'category' | 'mainImage'> & {
  mainImage: { key: string; alt: string } | null;
  priceMinMinor: number;
  priceMaxMinor: number;
  categoryId: string | null;
  categorySlug: string | null;
  categoryName: string | null;
};

export type ProductPage = { items: ProductSummary[]; nextCursor: string | null; total: number; totalExact: boolean };

/** Counting stops after this many matches, so `total` stays cheap on a large catalog. */
const COUNT_LIMIT = 1_000; // a text search matching 10k of 100k products took 134 ms to count, 1k takes ~13 ms

// Options and variants come back as JSON arrays from correlated subqueries, so a page of
// products is one statement however many variants they have (no N+1).
const OPTIONS = `(SELECT coalesce(json_agg(json_build_object('name', o.name, 'values', o.values) ORDER BY o.position, o.name), '[]')
    FROM product_options o WHERE o.product_id = p.id) AS options`;
const variantsOf = (fields: string) => `(SELECT coalesce(json_agg(json_build_object(${fields}) ORDER BY v.position, v.sku), '[]')
    FROM product_variants v WHERE v.product_id = p.id AND v.active) AS variants`;
const SUMMARY_FIELDS = `'id', v.id, 'sku', v.sku, 'optionValues', v.option_values, 'priceMinor', v.price_minor,
    'compareAtPriceMinor', v.compare_at_price_minor, 'inStock', v.stock > 0`;
const DETAIL_FIELDS = `${SUMMARY_FIELDS}, 'title', ${variantTitleSql('v')}, 'stock', v.stock, 'imageUrl', v.image_url`;

// The main image rides in the same statement (one index probe per listed product, never a
// query per product); a row whose upload was not stored (media_key NULL) is no image.
const IMAGE_ORDER = 'i.position, i.created_at, i.id';
const MAIN_IMAGE = `(SELECT json_build_object('key', i.media_key, 'alt', i.alt) FROM product_images i
    WHERE i.product_id = p.id AND i.media_key IS NOT NULL ORDER BY ${IMAGE_ORDER} LIMIT 1) AS "mainImage"`;
const IMAGES = `(SELECT coalesce(json_agg(json_build_object('id', i.id, 'key', i.media_key, 'alt', i.alt, 'variantId', i.variant_id,
    'width', i.width, 'height', i.height) ORDER BY ${IMAGE_ORDER}), '[]')
    FROM product_images i WHERE i.product_id = p.id AND i.media_key IS NOT NULL) AS images`;

const productColumns = (variantFields: string) => `p.id, p.slug, p.title, p.description, p.image_url AS "imageUrl", p.currency,
  p.price_min_minor AS "priceMinMinor", p.price_max_minor AS "priceMaxMinor", p.created_at AS "createdAt",
  c.id AS "categoryId", c.slug AS "categorySlug", c.name AS "categoryName", ${OPTIONS}, ${variantsOf(variantFields)}, ${MAIN_IMAGE}`;
const PRODUCTS_WITH_CATEGORY = 'products p LEFT JOIN categories c ON c.id = p.category_id';
// For sale: active, with at least one active variant (the triggers leave the price range NULL otherwise).
const FOR_SALE = 'p.active AND p.price_min_minor IS NOT NULL';

type Order = { orderBy: string; after(key: string, id: string): string; keyOf(row: ProductRow<unknown>): string | number };

// Each sort is served by one of the (active, <key>, id) indexes; the id breaks ties, so a page
// boundary is an exact position and keyset paging never skips or repeats a product. Price sorts
// use the product's lowest active variant price.
const ORDERS: Record<Sort, Order> = {
  newest: {
    orderBy: 'p.created_at DESC, p.id',
    // mixed directions rule out a row comparison; the first term still bounds the index scan
    after: (key, id) => `p.created_at <= ${key}::timestamptz AND (p.created_at < ${key}::timestamptz OR p.id > ${id}::uuid)`,
    keyOf: (row) => row.createdAt.toISOString(),
  },
  price_asc: {
    orderBy: 'p.price_min_minor, p.id',
    after: (key, id) => `(p.price_min_minor, p.id) > (${key}::int, ${id}::uuid)`,
    keyOf: (row) => row.priceMinMinor,
  },
  price_desc: {
    orderBy: 'p.price_min_minor DESC, p.id DESC',
    after: (key, id) => `(p.price_min_minor, p.id) < (${key}::int, ${id}::uuid)`,
    keyOf: (row) => row.priceMinMinor,
  },
  title: {
    orderBy: 'p.title, p.id',
    after: (key, id) => `(p.title, p.id) > (${key}::text, ${id}::uuid)`,
    keyOf: (row) => row.title,
  },
};

/**
 * The SQL for one page of the listing (one row more than the limit, to know whether a next
 * page exists) and for its capped count, and with option filters the page's plan for few
 * matches. Exported so the benchmark's ceiling runs exactly this.
 */
export function productListSql(query: ProductListQuery): { page: pg.QueryConfig; count: pg.QueryConfig; fewMatches?: pg.QueryConfig } {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const where = [FOR_SALE];
  if (query.category !== undefined) where.push(`p.category_id = (SELECT id FROM categories WHERE slug = ${param(query.category)})`);
  // exactly the expression of products_search_trgm_idx, so the trigram index serves it
  if (query.q !== undefined)
    where.push(`lower(p.title || ' ' || p.variant_skus || ' ' || p.description) LIKE '%' || lower(${param(escapeLike(query.q))}) || '%'`);

  // A product matches the variant filters when ONE of its active variants matches them all.
  const options = Object.entries(query.option ?? {});
  for (const [name, accepted] of options) {
    // the product's own list of its active variants' values ("Size=M"), GIN-indexed: exact when it is the only variant filter
    where.push(`p.option_pairs && ${param(accepted.map((value) => `${name}=${value}`))}::text[]`);
  }
  const variant: string[] = [];
  if (query.minPrice !== undefined) {
    where.push(`p.price_max_minor >= ${param(query.minPrice)}`); // on the product's own row: narrows before the variant check
    variant.push(`v.price_minor >= ${param(query.minPrice)}`);
  }
  if (query.maxPrice !== undefined) {
    where.push(`p.price_min_minor <= ${param(query.maxPrice)}`);
    variant.push(`v.price_minor <= ${param(query.maxPrice)}`);
  }
  if (query.inStock) variant.push('v.stock > 0');
  // exact per variant when price or stock is asked, or values of several options (one variant must have them all)
  if (variant.length > 0 || options.length > 1) {
    for (const [name, accepted] of options) variant.push(`v.option_values ->> ${param(name)} = ANY(${param(accepted)}::text[])`);
    // A correlated probe, not a join: the planner cannot turn it into a hash join over every
    // variant (it misjudged how many match, and did so for the capped count). The conditions
    // on the product's own row above narrow what is probed.
    where.push(`(SELECT true FROM product_variants v WHERE v.product_id = p.id AND v.active AND ${variant.join(' AND ')} LIMIT 1)`);
  }

  const count = {
    text: `SELECT count(*)::int AS total FROM (SELECT 1 FROM products p WHERE ${where.join(' AND ')} LIMIT ${COUNT_LIMIT + 1}) matching`,
    values: [...values],
  };
  const order = ORDERS[query.sort];
  if (query.cursor !== undefined) {
    const position = decodeCursor(query.cursor, query.sort);
    where.push(order.after(param(position.key), param(position.id)));
  }
  const limit = param(query.limit + 1);
  const page = {
    text: `SELECT ${productColumns(SUMMARY_FIELDS)} FROM ${PRODUCTS_WITH_CATEGORY} WHERE ${where.join(' AND ')} ORDER BY ${order.orderBy} LIMIT ${limit}`,
    values,
  };
  // With an option filter the planner cannot tell a rare value from a common one (an array
  // element it has no statistics for counts as 0.5% of the rows), and for a rare one it walks
  // the whole sort index looking for matches (170 ms on 100k products). When the count says the
  // matches are few, the page collects them through the index first, then sorts them.
  const fewMatches = options.length
    ? {
        text: `WITH matching AS MATERIALIZED (SELECT p.id FROM products p WHERE ${where.join(' AND ')})
               SELECT ${productColumns(SUMMARY_FIELDS)} FROM matching JOIN ${PRODUCTS_WITH_CATEGORY} ON p.id = matching.id
                ORDER BY ${order.orderBy} LIMIT ${limit}`,
        values,
      }
    : undefined;
  return { page, count, fewMatches };
}

/** Below this many matches an option-filtered page takes the fewMatches plan. */
export const FEW_MATCHES = 300;

// Spelled out, not rest/spread: this runs for every listed product and a literal is far cheaper.
function toProduct<V extends VariantSummary>(row: ProductRow<V>, urlsOf: ImageUrlsOf): ProductFields<V> {
  const mainImage = row.mainImage ? { alt: row.mainImage.alt, urls: urlsOf(row.mainImage.key) } : null;
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    imageUrl: mainImage ? mainImage.urls.card : row.imageUrl,
    mainImage,
    currency: row.currency,
    priceRange: { minMinor: row.priceMinMinor, maxMinor: row.priceMaxMinor },
    inStock: row.variants.some((v) => v.inStock),
    options: row.options,
    variants: row.variants,
    category: row.categoryId ? { id: row.categoryId, slug: row.categorySlug!, name: row.categoryName! } : null,
    createdAt: row.createdAt,
  };
}

/**
 * One page of products for sale: two queries, the page and its count, side by side; with an
 * option filter the count first, as it picks the page's plan.
 */
export async function listProducts(db: Queryable, query: ProductListQuery, urlsOf: ImageUrlsOf): Promise<ProductPage> {
  const sql = productListSql(query);
  const [page, count] = sql.fewMatches
    ? await countThenPage(db, sql)
    : await Promise.all([db.query<ProductRow<VariantSummary>>(sql.page), db.query<{ total: number }>(sql.count)]);
  const rows = page.rows.length > query.limit ? page.rows.slice(0, query.limit) : page.rows;
  const last = rows.at(-1);
  const { total } = count.rows[0];
  return {
    items: rows.map((row) => toProduct(row, urlsOf)),
    nextCursor: last && page.rows.length > query.limit ? encodeCursor(query.sort, { key: ORDERS[query.sort].keyOf(last), id: last.id }) : null,
    total: Math.min(total, COUNT_LIMIT),
    totalExact: total <= COUNT_LIMIT,
  };
}

/** The count, then the page by the plan it calls for (exported for the benchmark's ceiling). */
export async function countThenPage(db: Queryable, sql: ReturnType<typeof productListSql>) {
  const count = await db.query<{ total: number }>(sql.count);
  const page = await db.query<ProductRow<VariantSummary>>(count.rows[0].total < FEW_MATCHES && sql.fewMatches ? sql.fewMatches : sql.page);
  return [page, count] as const;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A product for sale by id or slug, with its options, every active variant and every image;
 * anything else is not found. A variant without an image URL of its own shows its first image.
 */
export async function findProduct(db: Queryable, idOrSlug: string, urlsOf: ImageUrlsOf): Promise<Product> {
  const column = UUID.test(idOrSlug) ? 'p.id' : 'p.slug';
  const { rows } = await db.query<ProductRow<ProductVariant> & { images: StoredImage[] }>(
    `SELECT ${productColumns(DETAIL_FIELDS)}, ${IMAGES} FROM ${PRODUCTS_WITH_CATEGORY} WHERE ${FOR_SALE} AND ${column} = $1`,
    [idOrSlug],
  );
  if (!rows[0]) throw new NotFound('Product');
  const images = rows[0].images.map((image, at) => ({
    id: image.id,
    alt: image.alt,
    main: at === 0,
    variantId: image.variantId,
    width: image.width,
    height: image.height,
    urls: urlsOf(image.key),
  }));
  const product = toProduct(rows[0], urlsOf);
  for (const variant of product.variants) variant.imageUrl ??= images.find((image) => image.variantId === variant.id)?.urls.card ?? null;
  return { ...product, images };
}
