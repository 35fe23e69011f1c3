import type { Queryable } from '../shared/db.js';
import { Unprocessable } from '../shared/errors.js';
import type { Cart } from '../cart/read-cart.js';
import type { AddressFields } from '../addresses/schemas.js';
import { METHOD_COLUMNS, METHODS_FOR_COUNTRY, shippingPriceFor, subtotalAllows, type ShippingMethodRow } from '../shipping/shipping-methods.js';
import { taxContextSql, type TaxContext } from '../tax/tax-context.js';
import { taxOn } from '../tax/tax-math.js';
import type { AppliedDiscount } from '../promotions/discount-codes.js';

// What an order costs: the goods, shipping by the chosen method to the address, and tax by the
// address's rate, in integer minor units. The quote route and checkout both price through here,
// so the quote is exactly what checkout charges.
//
//   total = subtotal - discount + shipping + COD fee + tax    (prices exclude tax)
//   total = subtotal - discount + shipping + COD fee          (prices include tax: the tax is inside them)
//
// The COD fee is the method's charge for cash on delivery; it is not taxed.
//
// A discount code (src/promotions/) comes off the lines it covers (split by
// src/promotions/discount-math.ts); the shipping method's subtotal limits and free-shipping
// threshold look at the discounted subtotal; a free-shipping code makes shipping 0.
//
// Tax is per line on the discounted line amount, then shipping (when the store taxes shipping),
// each rounded half to even (src/tax/tax-math.ts); the order's tax is their sum.

export class ShippingMethodUnavailable extends Unprocessable {
  constructor(methodId: string, country: string) {
    super(
      'SHIPPING_METHOD_UNAVAILABLE',
      `The shipping method does not deliver to ${country} for this cart; GET /api/shipping-options?country=${country} lists the ones that do`,
      {
        shippingMethodId: methodId,
        country,
      },
    );
  }
}

export class CashOnDeliveryUnavailable extends Unprocessable {
  constructor(methodId: string) {
    super('COD_NOT_AVAILABLE', 'Cash on delivery is not offered with this shipping method; pick one whose codAvailable is true, or pay online', {
      shippingMethodId: methodId,
    });
  }
}

export type PricedLine = { variantId: string; lineTotalMinor: number; discountMinor: number; taxMinor: number };

/** An order's amounts, as checkout prices them and the order keeps them (and the gateways charge them). */
export type OrderAmounts = Pick<
  Pricing,
  'currency' | 'subtotalMinor' | 'discountMinor' | 'shippingMinor' | 'codFeeMinor' | 'taxMinor' | 'shippingTaxMinor' | 'taxIncluded' | 'totalMinor'
>;

export type Pricing = {
  currency: string;
  subtotalMinor: number;
  /** what the discount code takes off the goods (the sum of the lines' discountMinor) */
  discountMinor: number;
  /** the code as applied; null without one */
  discount: { code: string; type: AppliedDiscount['type'] } | null;
  shippingMinor: number;
  /** the method's fee for cash on delivery (not taxed); 0 when paid online */
  codFeeMinor: number;
  taxMinor: number;
  /** the part of taxMinor that is on shipping */
  shippingTaxMinor: number;
  taxIncluded: boolean;
  totalMinor: number;
  itemCount: number;
  paymentMethod: 'cod' | null;
  shippingMethod: { id: string; name: string; priceMinor: number };
  lines: PricedLine[];
};

type MethodAndTax = TaxContext & { method: (ShippingMethodRow & { active: boolean; shipsThere: boolean }) | null };

/** The method (and whether it ships to the country) and the tax context there, in one query. */
async function methodAndTax(db: Queryable, methodId: string, address: Pick<AddressFields, 'country' | 'region'>): Promise<MethodAndTax> {
  const { rows } = await db.query<MethodAndTax>(
    `SELECT tax.*, (SELECT row_to_json(method) FROM (SELECT ${METHOD_COLUMNS}, m.active, $2 = ANY(z.countries) AS "shipsThere"
                                                       FROM ${METHODS_FOR_COUNTRY} WHERE m.id = $1) method) AS method
       FROM (${taxContextSql('$2', '$3')}) tax`,
    [methodId, address.country, address.region ?? ''],
  );
  return rows[0];
}

/** Prices the cart for delivery to `address` by `methodId`; a method that does not serve it is a 422. */
export async function priceOrder(
  db: Queryable,
  cart: Cart,
  delivery: { address: Pick<AddressFields, 'country' | 'region'>; methodId: string; cashOnDelivery: boolean },
  discount: AppliedDiscount | null = null,
): Promise<Pricing> {
  const { method, ...tax } = await methodAndTax(db, delivery.methodId, delivery.address);
  const discountMinor = discount?.discountMinor ?? 0;
  const goodsMinor = cart.subtotalMinor - discountMinor;
  if (!method?.active || !method.shipsThere || !subtotalAllows(method, goodsMinor))
    throw new ShippingMethodUnavailable(delivery.methodId, delivery.address.country);

  if (delivery.cashOnDelivery && !method.codAvailable) throw new CashOnDeliveryUnavailable(method.id);
  const shippingMinor = discount?.freeShipping ? 0 : shippingPriceFor(method, goodsMinor);
  const codFeeMinor = delivery.cashOnDelivery ? method.codFeeMinor : 0;
  const lines = cart.lines.map((line, i) => {
    const lineDiscountMinor = discount?.lineDiscountsMinor[i] ?? 0;
    return {
      variantId: line.variantId,
      lineTotalMinor: line.lineTotalMinor,
      discountMinor: lineDiscountMinor,
      taxMinor: taxOn(line.lineTotalMinor - lineDiscountMinor, tax.ratePpm, tax.pricesIncludeTax),
    };
  });
  const shippingTaxMinor = tax.taxShipping ? taxOn(shippingMinor, tax.ratePpm, tax.pricesIncludeTax) : 0;
  const taxMinor = lines.reduce((sum, l) => sum + l.taxMinor, shippingTaxMinor);
  return {
    currency: cart.currency,
    subtotalMinor: cart.subtotalMinor,
    discountMinor,
    discount: discount && { code: discount.code, type: discount.type },
    shippingMinor,
    codFeeMinor,
    taxMinor,
    shippingTaxMinor,
    taxIncluded: tax.pricesIncludeTax,
    totalMinor: goodsMinor + shippingMinor + codFeeMinor + (tax.pricesIncludeTax ? 0 : taxMinor),
    itemCount: cart.itemCount,
    paymentMethod: delivery.cashOnDelivery ? 'cod' : null,
    shippingMethod: { id: method.id, name: method.name, priceMinor: shippingMinor },
    lines,
  };
}
