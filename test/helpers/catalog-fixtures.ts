import type { Db } from '../../src/shared/db.js';
import { uniqueId } from './test-app.js';

export type CategoryFixture = { id: string; slug: string; name: string; description: string };
export type ProductFixture = {
  id: string;
  sku: string;
  slug: string;
  title: string;
  description: string;
  priceMinor: number;
  stock: number;
  active: boolean;
  categoryId: string | null;
  createdAt: Date;
};

const slugOf = (id: string) => id.toLowerCase().replaceAll('_', '-');

export async function createCategory(db: Db, overrides: Partial<Omit<CategoryFixture, 'id'>> = {}): Promise<CategoryFixture> {
  const name = overrides.name ?? uniqueId('Category');
  const { rows } = await db.pool.query<CategoryFixture>(
    `INSERT INTO categories (name, slug, description) VALUES ($1, $2, $3) RETURNING id, slug, name, description`,
    [name, overrides.slug ?? slugOf(name), overrides.description ?? `All about ${name}`],
  );
  return rows[0];
}

export type ProductInput = Partial<Omit<ProductFixture, 'id'>> & { imageUrl?: string | null };

export async function createProduct(db: Db, input: ProductInput = {}): Promise<ProductFixture> {
  const title = input.title ?? uniqueId('Product');
  const { rows } = await db.pool.query<ProductFixture>(
    `INSERT INTO products (sku, slug, title, description, image_url, price_minor, stock, active, category_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10, now()))
     RETURNING id, sku, slug, title, description, price_minor AS "priceMinor", stock, active, category_id AS "categoryId", created_at AS "createdAt"`,
    [
      input.sku ?? uniqueId('SKU').toUpperCase(),
      input.slug ?? slugOf(uniqueId('product')),
      title,
      input.description ?? `${title}, described`,
      input.imageUrl === undefined ? 'https://img.example/p.jpg' : input.imageUrl,
      input.priceMinor ?? 1000,
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
    currency: 'USD',
    stock: product.stock,
    inStock: product.stock > 0,
    category: category && { id: category.id, slug: category.slug, name: category.name },
    createdAt: product.createdAt.toISOString(),
  };
}
