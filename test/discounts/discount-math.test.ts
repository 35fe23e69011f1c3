// The one rounding rule of discounts (src/promotions/discount-math.ts): the total rounded half to
// even once, split over the covered lines by largest remainder; then tax per discounted line.
import { allocate, lineDiscounts } from '../../src/promotions/discount-math.js';
import { taxOn } from '../../src/tax/tax-math.js';

describe('allocate (largest remainder)', () => {
  test.each([
    { total: 10, weights: [1, 1, 1], shares: [4, 3, 3] }, // tie: the earlier line takes the unit
    { total: 100, weights: [333, 333, 334], shares: [33, 33, 34] },
    { total: 7, weights: [0, 5, 5], shares: [0, 4, 3] },
    { total: 0, weights: [5, 5], shares: [0, 0] },
    { total: 3, weights: [1, 1, 1], shares: [1, 1, 1] },
    { total: 2_000_000_000, weights: [2_000_000_000, 1_500_000_000], shares: [1_142_857_143, 857_142_857] },
  ])('when $total is split over $weights, then $shares (they add up to the total)', ({ total, weights, shares }) => {
    expect(allocate(total, weights)).toEqual(shares);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
  });
});

describe('lineDiscounts and the tax on each discounted line', () => {
  // lines in minor units, which lines the code covers, the rate, included or not; then the
  // discount per line and the tax per line (half to even on the discounted amount).
  test.each([
    {
      kind: 'percentage',
      value: 10,
      lines: [999, 999, 999],
      covered: [true, true, true],
      ratePpm: 150_000,
      included: false,
      off: [100, 100, 100],
      tax: [135, 135, 135],
    },
    // 15% of 1001 = 150.15 -> 150; exact shares 74.925 and 75.075: floors 74 + 75, the left-over unit to the larger remainder (the first line)
    { kind: 'percentage', value: 15, lines: [500, 501], covered: [true, true], ratePpm: 200_000, included: true, off: [75, 75], tax: [71, 71] },
    // 25% of the covered 10 = 2.5 -> 2 (half to even); the uncovered line keeps its full amount
    { kind: 'percentage', value: 25, lines: [10, 10], covered: [true, false], ratePpm: 100_000, included: false, off: [2, 0], tax: [1, 1] },
    { kind: 'percentage', value: 100, lines: [1234, 1], covered: [true, true], ratePpm: 150_000, included: true, off: [1234, 1], tax: [0, 0] },
    { kind: 'fixed_amount', value: 1000, lines: [300, 200], covered: [true, true], ratePpm: 150_000, included: false, off: [300, 200], tax: [0, 0] },
    {
      kind: 'fixed_amount',
      value: 100,
      lines: [300, 300, 400],
      covered: [true, true, false],
      ratePpm: 150_000,
      included: false,
      off: [50, 50, 0],
      tax: [38, 38, 60],
    },
    { kind: 'fixed_amount', value: 5, lines: [1, 1, 1], covered: [true, true, true], ratePpm: 0, included: true, off: [1, 1, 1], tax: [0, 0, 0] },
    {
      kind: 'fixed_amount',
      value: 10,
      lines: [1000, 2000, 3000],
      covered: [true, true, true],
      ratePpm: 150_000,
      included: true,
      off: [2, 3, 5],
      tax: [130, 260, 391],
    },
    { kind: 'free_shipping', value: 0, lines: [500], covered: [true], ratePpm: 150_000, included: false, off: [0], tax: [75] },
  ] as const)('when $kind $value over $lines (covered $covered) at $ratePpm ppm, included $included, then off $off and tax $tax', (row) => {
    const off = lineDiscounts(row.kind, row.value, row.lines, row.covered);
    expect(off).toEqual(row.off);
    off.forEach((o, i) => expect(o).toBeLessThanOrEqual(row.lines[i]));
    expect(row.lines.map((amount, i) => taxOn(amount - off[i], row.ratePpm, row.included))).toEqual(row.tax);
  });
});
