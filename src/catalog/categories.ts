import type { Queryable } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';

export type Category = { id: string; slug: string; name: string; description: string };

export async function listCategories(db: Queryable): Promise<Category[]> {
  const { rows } = await db.query<Category>(`SELECT id, slug, name, description FROM categories ORDER BY name, id`);
  return rows;
}

export async function findCategory(db: Queryable, slug: string): Promise<Category> {
  const { rows } = await db.query<Category>(`SELECT id, slug, name, description FROM categories WHERE slug = $1`, [slug]);
  if (!rows[0]) throw new NotFound('Category');
  return rows[0];
}
