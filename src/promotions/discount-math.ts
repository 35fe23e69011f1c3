import { divideHalfEven } from '../tax/tax-math.js';

// How a discount is split across the cart's lines, in integer minor units. The one rounding rule:
//
//   The discount's TOTAL is computed once (a percentage of the eligible lines' sum, rounded
//   HALF TO EVEN, as tax is; a fixed amount capped at that sum), then ALLOCATED to the eligible
//   lines in proportion to their amounts by LARGEST REMAINDER: each line gets the floor of its
//   exact share, and the units left over go one each to the lines with the largest remainders
//   (ties: the earlier line in the cart). So the lines add up to the total exactly, no line goes
//   below zero, and tax (per line, src/tax/tax-math.ts) is computed on each discounted line.

export type DiscountKind = 'percentage' | 'fixed_amount' | 'free_shipping';

/** `total` split over `weights` (non-negative integers) by largest remainder; total <= sum(weights). */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0 || total === 0) return weights.map(() => 0);
  // BigInt: total × weight may pass 2^53
  const exact = weights.map((w) => {
    const product = BigInt(total) * BigInt(w);
    return { floor: Number(product / BigInt(sum)), remainder: Number(product % BigInt(sum)) };
  });
  let left = total - exact.reduce((a, s) => a + s.floor, 0);
  const order = exact.map((_, i) => i).sort((a, b) => exact[b].remainder - exact[a].remainder || a - b);
  const shares = exact.map((s) => s.floor);
  for (const i of order) {
    if (left === 0) break;
    shares[i] += 1;
    left -= 1;
  }
  return shares;
}

/** What the discount takes off each line (0 for a line it does not cover); free shipping takes nothing off the goods. */
export function lineDiscounts(kind: DiscountKind, value: number, lineAmounts: readonly number[], eligible: readonly boolean[]): number[] {
  const weights = lineAmounts.map((amount, i) => (eligible[i] ? amount : 0));
  const eligibleSum = weights.reduce((a, b) => a + b, 0);
  const total =
    kind === 'percentage' ? Number(divideHalfEven(BigInt(eligibleSum) * BigInt(value), 100n)) : kind === 'fixed_amount' ? Math.min(value, eligibleSum) : 0;
  return allocate(total, weights);
}
