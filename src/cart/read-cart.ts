import type { Queryable } from '../shared/db.js';
import { fullTitle, variantTitleSql } from '../catalog/variant-title.js';
import { ownerMatch, type CartOwner } from './owner.js';

export type CartLineWarning = 'PRODUCT_INACTIVE' | 'VARIANT_INACTIVE' | 'INSUFFICIENT_STOCK';

export type CartLine = {
  productId: string;
  variantId: string;
  sku: string;
  slug: string;
  /** what to show: "T-shirt — M / Red", or the product's title without options */
  title: string;
  productTitle: string;
  /** "M / Red"; null for a product without options */
  variantTitle: string | null;
  optionValues: Record<string, string>;
  /** the variant's image, else the product's */
  imageUrl: string | null;
  unitPriceMinor: number;
  currency: string;
  quantity: number;
  lineTotalMinor: number;
  /** stock and sellable state now (variant and product both active), for warnings and for checkout's decisions */
  stock: number;
  active: boolean;
  warnings: CartLineWarning[];
};

export type Cart = {
  lines: CartLine[];
  subtotalMinor: number;
  itemCount: number;
  currency: string;
  /**
   * The discount code applied to the cart (promotions reads it), read with the lines so that a
   * cart costs one statement: null for a cart without lines whatever it holds. Not shown as such.
   */
  discountCodeId: string | null;
  /** read for a checkout or its quote only (`checkingOut`): staff blocked the buyer from checkout; false for an empty cart */
  buyerBlocked?: boolean;
};

type CartLineRow = Omit<CartLine, 'title' | 'lineTotalMinor' | 'active' | 'warnings'> & {
  productActive: boolean;
  variantActive: boolean;
  discountCodeId: string | null;
  buyerBlocked: boolean;
};

function toLine(row: CartLineRow): CartLine {
  const warnings: CartLineWarning[] = [];
  if (!row.productActive) warnings.push('PRODUCT_INACTIVE');
  if (!row.variantActive) warnings.push('VARIANT_INACTIVE');
  if (row.stock < row.quantity) warnings.push('INSUFFICIENT_STOCK');
  return {
    productId: row.productId,
    variantId: row.variantId,
    sku: row.sku,
    slug: row.slug,
    title: fullTitle(row.productTitle, row.variantTitle),
    productTitle: row.productTitle,
    variantTitle: row.variantTitle,
    optionValues: row.optionValues,
    imageUrl: row.imageUrl,
    unitPriceMinor: row.unitPriceMinor,
    currency: row.currency,
    quantity: row.quantity,
    lineTotalMinor: row.unitPriceMinor * row.quantity,
    stock: row.stock,
    active: row.productActive && row.variantActive,
    warnings,
  };
}

/**
 * The caller's cart as it stands now, with current prices and stock: the one reading of a
 * cart that the cart routes and checkout share. One query. Pass a transaction client and
 * `forUpdate` to lock the lines while checking out. `checkingOut` (a customer's cart) also
 * reads whether staff blocked the buyer from checkout (src/customers/blocking.ts), in the same
 * statement; with `forUpdate` it locks the buyer's row FOR SHARE. A block is an UPDATE of that
 * row, so a checkout racing a block either commits first (the block waits for it) or waits for
 * the block and sees it.
 */
export async function readCart(db: Queryable, owner: CartOwner, currency: string, options: { forUpdate?: boolean; checkingOut?: boolean } = {}): Promise<Cart> {
  const buyer = options.checkingOut && 'userId' in owner;
  const { rows } = await db.query<CartLineRow>(
    `SELECT v.product_id AS "productId", v.id AS "variantId", v.sku, p.slug, p.title AS "productTitle",
            ${variantTitleSql('v')} AS "variantTitle", v.option_values AS "optionValues",
            coalesce(v.image_url, p.image_url) AS "imageUrl", v.price_minor AS "unitPriceMinor", p.currency, ci.quantity, v.stock,
            p.active AS "productActive", v.active AS "variantActive", c.discount_code_id AS "discountCodeId",
            ${buyer ? 'u.blocked_at IS NOT NULL' : 'false'} AS "buyerBlocked"
       FROM carts c
       JOIN cart_items ci ON ci.cart_id = c.id
       JOIN product_variants v ON v.id = ci.variant_id
       JOIN products p ON p.id = v.product_id
       ${buyer ? 'JOIN users u ON u.id = c.user_id' : ''}
      WHERE c.${ownerMatch(owner).column} = $1
      ORDER BY ci.added_at, v.id
      ${options.forUpdate ? 'FOR UPDATE OF ci' : ''} ${options.forUpdate && buyer ? 'FOR SHARE OF u' : ''}`,
    [ownerMatch(owner).value],
  );
  const lines = rows.map(toLine);
  return {
    lines,
    subtotalMinor: lines.reduce((sum, l) => sum + l.lineTotalMinor, 0),
    itemCount: lines.reduce((sum, l) => sum + l.quantity, 0),
    currency: lines[0]?.currency ?? currency,
    discountCodeId: rows[0]?.discountCodeId ?? null,
    ...(buyer && { buyerBlocked: rows.some((row) => row.buyerBlocked) }),
  };
}
