import type { Queryable } from '../shared/db.js';
import { NotFound, type AppError } from '../shared/errors.js';
import { InsufficientStock } from '../catalog/stock.js';
import { CartChanged, CartFull, CartTokenUnknown, LineLimitExceeded, ProductInactive, VariantInactive, VariantRequired } from './errors.js';
import { MAX_LINE_QUANTITY } from './schemas.js';
import { ownerMatch, type CartOwner } from './owner.js';

export type LineChange = { owner: CartOwner; variantId: string; quantity: number };

// Adds or merges in one statement: PostgreSQL serialises concurrent adds on the cart row and
// the line (ON CONFLICT), and re-checks the limit against the latest quantity, so the sum is
// exact and the line is never duplicated. The cart row is made only when the variant can be
// added at all (it and its product are sold). $4 is the per-line maximum, $5 the most lines
// a cart holds (a new line beyond it is refused: CART_FULL). A known guest cart is only
// touched, never made: it may have expired or been merged since the token was read.
function addToLineSql(owner: CartOwner): string {
  const { column } = ownerMatch(owner);
  const cart =
    'isNew' in owner && !owner.isNew
      ? `UPDATE carts SET updated_at = now() WHERE token_hash = $1 AND EXISTS (SELECT 1 FROM variant WHERE $3 <= variant.most) RETURNING id`
      : `INSERT INTO carts (${column}) SELECT $1 FROM variant WHERE $3 <= variant.most
  ON CONFLICT (${column}) DO UPDATE SET updated_at = now()
  RETURNING id`;
  return `
WITH variant AS (
  SELECT least(v.stock, $4) AS most FROM product_variants v JOIN products p ON p.id = v.product_id WHERE v.id = $2 AND v.active AND p.active
), cart AS (
  ${cart}
)
INSERT INTO cart_items (cart_id, variant_id, quantity)
SELECT cart.id, $2, $3 FROM cart
 WHERE (SELECT count(*) FROM cart_items WHERE cart_id = cart.id AND variant_id <> $2) < $5
ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity
  WHERE cart_items.quantity + EXCLUDED.quantity <= (SELECT most FROM variant)
RETURNING quantity`;
}

// A guest cart's life runs from its last change, so a change touches the cart row as well.
const setLineSql = (owner: CartOwner) => `
WITH line AS (
  UPDATE cart_items ci SET quantity = $3
    FROM carts c, product_variants v, products p
   WHERE c.${ownerMatch(owner).column} = $1 AND ci.cart_id = c.id AND ci.variant_id = $2
     AND v.id = ci.variant_id AND p.id = v.product_id AND v.active AND p.active AND $3 <= least(v.stock, $4)
  RETURNING ci.cart_id
)
UPDATE carts SET updated_at = now() FROM line WHERE carts.id = line.cart_id RETURNING carts.id`;

/** Adds units of a variant to the caller's cart, merging into its line. */
export async function addToCart(db: Queryable, change: LineChange, maxLines: number): Promise<void> {
  if (change.quantity > MAX_LINE_QUANTITY) throw new LineLimitExceeded(change.variantId, change.quantity);
  await changeOrExplain(db, addToLineSql(change.owner), change, 'add', maxLines);
}

/** Sets the quantity of a line already in the cart; 0 removes it. */
export async function setLineQuantity(db: Queryable, change: LineChange): Promise<void> {
  if (change.quantity === 0) return removeLine(db, change.owner, change.variantId);
  if (change.quantity > MAX_LINE_QUANTITY) throw new LineLimitExceeded(change.variantId, change.quantity);
  await changeOrExplain(db, setLineSql(change.owner), change, 'set', Infinity);
}

export async function removeLine(db: Queryable, owner: CartOwner, variantId: string): Promise<void> {
  const { column, value } = ownerMatch(owner);
  await db.query(`DELETE FROM cart_items ci USING carts c WHERE c.${column} = $1 AND ci.cart_id = c.id AND ci.variant_id = $2`, [value, variantId]);
}

export async function emptyCart(db: Queryable, owner: CartOwner): Promise<void> {
  const { column, value } = ownerMatch(owner);
  await db.query(`DELETE FROM cart_items ci USING carts c WHERE c.${column} = $1 AND ci.cart_id = c.id`, [value]);
}

/** The one variant of a product without options (a product id sent where a variant id belongs). */
export async function onlyVariantOf(db: Queryable, productId: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM product_variants WHERE product_id = $1 ORDER BY position, id LIMIT 21`, [productId]);
  if (!rows.length) throw new NotFound('Product');
  if (rows.length > 1)
    throw new VariantRequired(
      productId,
      rows.slice(0, 20).map((r) => r.id),
    );
  return rows[0].id;
}

type Mode = 'add' | 'set';

async function changeOrExplain(db: Queryable, sql: string, change: LineChange, mode: Mode, maxLines: number): Promise<void> {
  const params = [ownerMatch(change.owner).value, change.variantId, change.quantity, MAX_LINE_QUANTITY];
  const { rowCount } = await db.query(sql, mode === 'add' ? [...params, maxLines] : params);
  if (!rowCount) throw await whyRefused(db, change, mode, maxLines);
}

/** What refused a change, read just after the statement did (a second query on refusals only). */
async function whyRefused(db: Queryable, { owner, variantId, quantity }: LineChange, mode: Mode, maxLines: number): Promise<AppError> {
  const { rows } = await db.query<{
    productId: string;
    productActive: boolean;
    active: boolean;
    stock: number;
    inCart: number | null;
    lines: number;
    hasCart: boolean;
  }>(
    `SELECT v.product_id AS "productId", p.active AS "productActive", v.active, v.stock, ci.quantity AS "inCart",
            (SELECT count(*)::int FROM cart_items WHERE cart_id = c.id) AS lines, c.id IS NOT NULL AS "hasCart"
       FROM product_variants v
       JOIN products p ON p.id = v.product_id
       LEFT JOIN carts c ON c.${ownerMatch(owner).column} = $1
       LEFT JOIN cart_items ci ON ci.cart_id = c.id AND ci.variant_id = v.id
      WHERE v.id = $2`,
    [ownerMatch(owner).value, variantId],
  );
  const found = rows[0];
  // A guest cart merged or expired between the token's check and the change.
  if (found && 'isNew' in owner && !owner.isNew && !found.hasCart) return new CartTokenUnknown();
  if (!found) return mode === 'set' ? new NotFound('Cart line') : new NotFound('Product variant');
  if (mode === 'set' && found.inCart === null) return new NotFound('Cart line');
  if (!found.productActive) return new ProductInactive(found.productId);
  if (!found.active) return new VariantInactive(variantId);
  const requested = mode === 'add' ? (found.inCart ?? 0) + quantity : quantity;
  if (requested > MAX_LINE_QUANTITY) return new LineLimitExceeded(variantId, requested);
  if (requested > found.stock) return new InsufficientStock([{ variantId, productId: found.productId, requested, available: found.stock }]);
  if (mode === 'add' && found.inCart === null && found.lines >= maxLines) return new CartFull(maxLines);
  return new CartChanged();
}
