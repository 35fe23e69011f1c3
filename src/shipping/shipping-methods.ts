import type { Queryable } from '../shared/db.js';

/** A method as the storefront sees it for a given cart: what that cart would pay. */
export type ShippingOption = {
  id: string;
  name: string;
  zone: string;
  carrier: string | null;
  /** what this cart pays for it: 0 once the subtotal reaches freeOverMinor */
  priceMinor: number;
  /** its price before any free-shipping threshold */
  basePriceMinor: number;
  freeOverMinor: number | null;
  minDeliveryDays: number | null;
  maxDeliveryDays: number | null;
  codAvailable: boolean;
  codFeeMinor: number;
};

export type ShippingMethodRow = Omit<ShippingOption, 'priceMinor'> & { minSubtotalMinor: number | null; maxSubtotalMinor: number | null };

// Free shipping and the subtotal bounds look at the subtotal of the goods (after discounts,
// never a total that already holds shipping), so the price cannot flip-flop with itself.

/** What a cart with this subtotal pays for the method: nothing from the free-shipping threshold on. */
export const shippingPriceFor = (method: Pick<ShippingMethodRow, 'basePriceMinor' | 'freeOverMinor'>, subtotalMinor: number) =>
  method.freeOverMinor !== null && subtotalMinor >= method.freeOverMinor ? 0 : method.basePriceMinor;

/** The subtotal is inside the method's bounds (both inclusive). */
export const subtotalAllows = (method: Pick<ShippingMethodRow, 'minSubtotalMinor' | 'maxSubtotalMinor'>, subtotalMinor: number) =>
  (method.minSubtotalMinor === null || subtotalMinor >= method.minSubtotalMinor) &&
  (method.maxSubtotalMinor === null || subtotalMinor <= method.maxSubtotalMinor);

export const METHOD_COLUMNS = `m.id, m.name, z.name AS zone, c.name AS carrier, m.price_minor AS "basePriceMinor", m.free_over_minor AS "freeOverMinor",
  m.min_subtotal_minor AS "minSubtotalMinor", m.max_subtotal_minor AS "maxSubtotalMinor",
  m.min_delivery_days AS "minDeliveryDays", m.max_delivery_days AS "maxDeliveryDays",
  m.cod_enabled AS "codAvailable", m.cod_fee_minor AS "codFeeMinor"`;
export const METHODS_FOR_COUNTRY = `shipping_methods m JOIN shipping_zones z ON z.id = m.zone_id LEFT JOIN carriers c ON c.id = m.carrier_id`;

export function toOption(method: ShippingMethodRow, subtotalMinor: number): ShippingOption {
  return {
    id: method.id,
    name: method.name,
    zone: method.zone,
    carrier: method.carrier,
    priceMinor: shippingPriceFor(method, subtotalMinor),
    basePriceMinor: method.basePriceMinor,
    freeOverMinor: method.freeOverMinor,
    minDeliveryDays: method.minDeliveryDays,
    maxDeliveryDays: method.maxDeliveryDays,
    codAvailable: method.codAvailable,
    codFeeMinor: method.codFeeMinor,
  };
}

/** The active methods that ship to `country` and accept this subtotal, in staff's order, each priced for it. One query. */
export async function shippingOptions(db: Queryable, country: string, subtotalMinor: number): Promise<ShippingOption[]> {
  const { rows } = await db.query<ShippingMethodRow>(
    `SELECT ${METHOD_COLUMNS} FROM ${METHODS_FOR_COUNTRY}
      WHERE m.active AND $1 = ANY(z.countries)
      ORDER BY m.position, m.price_minor, m.id`,
    [country],
  );
  return rows.filter((method) => subtotalAllows(method, subtotalMinor)).map((method) => toOption(method, subtotalMinor));
}
