// Staff raise or lower many prices by one percentage (the panel's bulk action). The rule:
//   new price = price × (100 + percentage) / 100, in integer minor units, rounded half away
//   from zero (the result is never negative, so: half up), computed exactly in integers.
// The percentage has at most two decimals, more than -100 and at most +1000. A price above
// zero stays at least 1, stays below its compare-at price and within the price rule; any
// variant that would break one refuses the whole action (nothing is clamped, nothing changes).
import { z } from 'zod';
import { priceRule } from './variant-rules.js';

/** Hundredths of a percent: 12.5% is 1250. */
export type BasisPoints = number;

export const percentageRule = z
  .string({ error: 'a percentage, e.g. 10 or -12.5' })
  .trim()
  .regex(/^[+-]?\d{1,4}(\.\d{1,2})?$/, 'a percentage with at most two decimals, e.g. 10 or -12.5')
  .transform((text): BasisPoints => {
    const [whole, fraction = ''] = text.replace(/^[+-]/, '').split('.');
    const magnitude = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
    return text.startsWith('-') ? -magnitude : magnitude;
  })
  .refine((bp) => bp > -10_000, 'more than -100% (a price cannot go to zero this way)')
  .refine((bp) => bp <= 100_000, 'at most +1000%')
  .refine((bp) => bp !== 0, 'a percentage other than 0');

/** The price after adjusting it by `basisPoints`, by the rule above. */
export function adjustedPrice(priceMinor: number, basisPoints: BasisPoints): number {
  const scaled = BigInt(priceMinor) * BigInt(10_000 + basisPoints);
  const whole = scaled / 10_000n;
  return Number(scaled % 10_000n >= 5_000n ? whole + 1n : whole);
}

export type PricedVariant = { sku: string; priceMinor: number; compareAtPriceMinor: number | null };

/** Why this variant's adjusted price is refused, or undefined. */
export function adjustmentProblem(variant: PricedVariant, newPrice: number): string | undefined {
  if (!priceRule.safeParse(newPrice).success) return `${variant.sku}: ${newPrice} is outside the price rule`;
  if (variant.priceMinor >= 1 && newPrice < 1) return `${variant.sku}: its price would round to 0`;
  if (variant.compareAtPriceMinor !== null && newPrice >= variant.compareAtPriceMinor)
    return `${variant.sku}: ${newPrice} would not be below its compare-at price ${variant.compareAtPriceMinor}`;
  return undefined;
}
