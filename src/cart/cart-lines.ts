import type { Queryable } from '../shared/db.js';
import { NotFound, type AppError } from '../shared/errors.js';
import { InsufficientStock } from '../catalog/stock.js';
import { CartChanged, LineLimitExceeded, ProductInactive } from './errors.js';
import { MAX_LINE_QUANTITY } from './schemas.js';

export type LineChange = { userId: string; productId: string; quantity: number };

// Adds or merges in one statement: PostgreSQL serialises concurrent adds on the cart row and
// the line (ON CONFLICT), and re-checks the limit against the latest quantity, so the sum is
// exact and the line is never duplicated. The cart row is made only when the product can be
// added at all. $4 is the per-line maximum.
const ADD_TO_LINE = `
WITH product AS (
  SELECT least(stock, $4) AS most FROM products WHERE id = $2 AND active
), cart AS (
  INSERT INTO carts (user_id) SELECT $1 FROM product WHERE $3 <= product.most
  ON CONFLICT (user_id) DO UPDATE SET updated_at = now()
  RETURNING id
)
INSERT INTO cart_items (cart_id, product_id, quantity)
SELECT cart.id, $2, $3 FROM cart
ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity
  WHERE cart_items.quantity + EXCLUDED.quantity <= (SELECT most FROM product)
RETURNING quantity`;

const SET_LINE = `
UPDATE cart_items ci SET quantity = $3
  FROM carts c, products p
 WHERE c.user_id = $1 AND ci.cart_id = c.id AND ci.product_id = $2
   AND p.id = ci.product_id AND p.active AND $3 <= least(p.stock, $4)
RETURNING ci.quantity`;

/** Adds units of a product to the caller's cart, merging into its line. */
export async function addToCart(db: Queryable, change: LineChange): Promise<void> {
  if (change.quantity > MAX_LINE_QUANTITY) throw new LineLimitExceeded(change.productId, change.quantity);
  await changeOrExplain(db, ADD_TO_LINE, change, 'add');
}

/** Sets the quantity of a line already in the cart; 0 removes it. */
export async function setLineQuantity(db: Queryable, change: LineChange): Promise<void> {
  if (change.quantity === 0) return removeLine(db, change.userId, change.productId);
  if (change.quantity > MAX_LINE_QUANTITY) throw new LineLimitExceeded(change.productId, change.quantity);
  await changeOrExplain(db, SET_LINE, change, 'set');
}

export async function removeLine(db: Queryable, userId: string, productId: string): Promise<void> {
  await db.query(`DELETE FROM cart_items ci USING carts c WHERE c.user_id = $1 AND ci.cart_id = c.id AND ci.product_id = $2`, [userId, productId]);
}

export async function emptyCart(db: Queryable, userId: string): Promise<void> {
  await db.query(`DELETE FROM cart_items ci USING carts c WHERE c.user_id = $1 AND ci.cart_id = c.id`, [userId]);
}

type Mode = 'add' | 'set';

async function changeOrExplain(db: Queryable, sql: string, change: LineChange, mode: Mode): Promise<void> {
  const { rowCount } = await db.query(sql, [change.userId, change.productId, change.quantity, MAX_LINE_QUANTITY]);
  if (!rowCount) throw await whyRefused(db, change, mode);
}

/** What refused a change, read just after the statement did (a second query on refusals only). */
async function whyRefused(db: Queryable, { userId, productId, quantity }: LineChange, mode: Mode): Promise<AppError> {
  const { rows } = await db.query<{ active: boolean; stock: number; inCart: number | null }>(
    `SELECT p.active, p.stock, ci.quantity AS "inCart"
       FROM products p
       LEFT JOIN carts c ON c.user_id = $1
       LEFT JOIN cart_items ci ON ci.cart_id = c.id AND ci.product_id = p.id
      WHERE p.id = $2`,
    [userId, productId],
  );
  const found = rows[0];
  if (!found) return new NotFound('Product');
  if (mode === 'set' && found.inCart === null) return new NotFound('Cart line');
  if (!found.active) return new ProductInactive(productId);
  const requested = mode === 'add' ? (found.inCart ?? 0) + quantity : quantity;
  if (requested > MAX_LINE_QUANTITY) return new LineLimitExceeded(productId, requested);
  if (requested > found.stock) return new InsufficientStock([{ productId, requested, available: found.stock }]);
  return new CartChanged();
}
