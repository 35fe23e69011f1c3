import type { Queryable } from '../shared/db.js';

export type CartLineWarning = 'PRODUCT_INACTIVE' | 'INSUFFICIENT_STOCK';

export type CartLine = {
  productId: string;
  sku: string;
  slug: string;
  title: string;
  imageUrl: string | null;
  unitPriceMinor: number;
  currency: string;
  quantity: number;
  lineTotalMinor: number;
  /** stock and active state now, for warnings and for checkout's decisions */
  stock: number;
  active: boolean;
  warnings: CartLineWarning[];
};

export type Cart = { lines: CartLine[]; subtotalMinor: number; itemCount: number; currency: string };

/**
 * The caller's cart as it stands now, with current prices and stock: the one reading of a
 * cart that the cart routes and checkout share. One query. Pass a transaction client and
 * `forUpdate` to lock the lines while checking out.
 */
export async function readCart(db: Queryable, userId: string, currency: string, options: { forUpdate?: boolean } = {}): Promise<Cart> {
  const { rows } = await db.query<Omit<CartLine, 'lineTotalMinor' | 'warnings'>>(
    `SELECT p.id AS "productId", p.sku, p.slug, p.title, p.image_url AS "imageUrl", p.price_minor AS "unitPriceMinor",
            p.currency, ci.quantity, p.stock, p.active
       FROM carts c
       JOIN cart_items ci ON ci.cart_id = c.id
       JOIN products p ON p.id = ci.product_id
      WHERE c.user_id = $1
      ORDER BY ci.added_at, p.id
      ${options.forUpdate ? 'FOR UPDATE OF ci' : ''}`,
    [userId],
  );
  const lines = rows.map((row) => ({
    ...row,
    lineTotalMinor: row.unitPriceMinor * row.quantity,
    warnings: [...(row.active ? [] : (['PRODUCT_INACTIVE'] as const)), ...(row.stock < row.quantity ? (['INSUFFICIENT_STOCK'] as const) : [])],
  }));
  return {
    lines,
    subtotalMinor: lines.reduce((sum, l) => sum + l.lineTotalMinor, 0),
    itemCount: lines.reduce((sum, l) => sum + l.quantity, 0),
    currency: lines[0]?.currency ?? currency,
  };
}
