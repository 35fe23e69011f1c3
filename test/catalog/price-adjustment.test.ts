// The bulk price change's rounding rule (src/catalog/price-adjustment.ts), against a table.
import { adjustedPrice, adjustmentProblem, percentageRule } from '../../src/catalog/price-adjustment.js';

describe('percentageRule', () => {
  test.each([
    ['10', 1000],
    ['+10', 1000],
    ['-12.5', -1250],
    ['0.01', 1],
    ['-99.99', -9999],
    ['1000', 100000],
    [' 7.5 ', 750],
  ])('when staff type %p, then it is %p hundredths of a percent', (typed, basisPoints) => {
    expect(percentageRule.parse(typed)).toBe(basisPoints);
  });

  test.each(['', 'ten', '10%', '1.234', '-100', '-150', '1000.01', '0', '1e3'])('when staff type %p, then it is refused', (typed) => {
    expect(percentageRule.safeParse(typed).success).toBe(false);
  });
});

describe('adjustedPrice: price × (100 + p) / 100, half away from zero', () => {
  test.each([
    // price, percent (basis points), result
    [1000, 1000, 1100], // +10%
    [1000, -1000, 900], // -10%
    [999, 1000, 1099], // 1098.9 -> 1099
    [995, -1000, 896], // 895.5 -> 896 (a half goes up)
    [1005, -1000, 905], // 904.5 -> 905
    [1, -5000, 1], // 0.5 -> 1
    [1, -6000, 0], // 0.4 -> 0 (refused by adjustmentProblem)
    [333, 1250, 375], // 374.625 -> 375
    [2499, -3333, 1666], // 1666.0833 -> 1666
    [0, 5000, 0], // a free variant stays free
    [1999, 1, 1999], // +0.01%: 1999.1999 -> 1999 (unchanged)
    [150_000_000, 100000, 1_650_000_000], // +1000%
  ])('when %p is adjusted by %p basis points, then it is %p', (price, basisPoints, expected) => {
    expect(adjustedPrice(price, basisPoints)).toBe(expected);
  });
});

describe('adjustmentProblem', () => {
  const variant = { sku: 'TEE-M', priceMinor: 1000, compareAtPriceMinor: 1500 };
  test.each([
    [{ ...variant }, 1200, undefined],
    [{ ...variant }, 1500, 'TEE-M: 1500 would not be below its compare-at price 1500'],
    [{ ...variant, priceMinor: 1 }, 0, 'TEE-M: its price would round to 0'],
    [{ ...variant, compareAtPriceMinor: null }, 2_000_000_001, 'TEE-M: 2000000001 is outside the price rule'],
    [{ ...variant, priceMinor: 0, compareAtPriceMinor: null }, 0, undefined],
  ])('when %p would cost %p, then the problem is %p', (v, price, problem) => {
    expect(adjustmentProblem(v, price)).toBe(problem);
  });
});
