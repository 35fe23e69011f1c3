// The documented rounding rule (src/tax/tax-math.ts), case by case.
import { divideHalfEven, percentToPpm, ppmToPercent, taxOn } from '../../src/tax/tax-math.js';

describe('divideHalfEven', () => {
  test.each([
    [5n, 2n, 2n], // 2.5 -> 2 (even)
    [7n, 2n, 4n], // 3.5 -> 4 (even)
    [251n, 100n, 3n], // 2.51 -> 3
    [249n, 100n, 2n], // 2.49 -> 2
    [0n, 7n, 0n],
    [10n, 5n, 2n], // exact
    [15n, 10n, 2n], // 1.5 -> 2
    [25n, 10n, 2n], // 2.5 -> 2
    [35n, 10n, 4n], // 3.5 -> 4
  ])('%p / %p rounds to %p', (numerator, denominator, expected) => {
    expect(divideHalfEven(numerator, denominator)).toBe(expected);
  });
});

describe('taxOn: the rounding rule, per line', () => {
  test.each([
    // amount, rate (ppm), prices include tax, tax
    [1000, 150_000, false, 150], // 15% of 10.00
    [1000, 150_000, true, 130], // 10.00 incl. 15%: 1000 × 15/115 = 130.43 -> 130
    [999, 150_000, false, 150], // 149.85 -> 150
    [1234, 200_000, true, 206], // 205.67 -> 206
    [50, 50_000, false, 2], // 2.5 -> 2 (half to even)
    [70, 50_000, false, 4], // 3.5 -> 4 (half to even)
    [30, 50_000, false, 2], // 1.5 -> 2
    [10, 250_000, false, 2], // 2.5 -> 2
    [1, 88_750, false, 0], // 0.08875 -> 0
    [10_000, 88_750, false, 888], // 887.5 -> 888 (8.875%, NYC)
    [10_100, 88_750, false, 896], // 896.375 -> 896
    [2300, 230_000, true, 430], // 23.00 incl. 23%: 430.08 -> 430
    [0, 150_000, false, 0],
    [1000, 0, true, 0],
    [1000, 1_000_000, false, 1000], // 100%
    [1000, 1_000_000, true, 500], // half of an all-tax price
    [2_000_000_000, 150_000, false, 300_000_000], // large amounts stay exact (BigInt)
  ])('%p minor units at %p ppm (prices include tax: %p) -> %p', (amount, rate, inclusive, expected) => {
    expect(taxOn(amount, rate, inclusive)).toBe(expected);
  });

  test('when the lines are taxed one by one, then they add up to the order tax (no cent appears or vanishes)', () => {
    const lines = [50, 70, 30, 10];
    const perLine = lines.map((amount) => taxOn(amount, 50_000, false));
    expect(perLine).toEqual([2, 4, 2, 0]); // 2.5, 3.5, 1.5, 0.5
    expect(perLine.reduce((a, b) => a + b, 0)).toBe(8);
  });

  test.each([
    [-1, 150_000],
    [1.5, 150_000],
    [100, -1],
    [100, 1_000_001],
    [100, 0.5],
  ])('when given amount %p at rate %p, then it refuses (a programming error, never a silent number)', (amount, rate) => {
    expect(() => taxOn(amount, rate, false)).toThrow(RangeError);
  });
});

describe('percent <-> ppm', () => {
  test.each([
    ['15', 150_000],
    ['15.5', 155_000],
    ['8.875', 88_750],
    ['0', 0],
    ['100', 1_000_000],
    ['0.0001', 1],
  ])('%p%% is %p ppm and back', (percent, ppm) => {
    expect(percentToPpm(percent)).toBe(ppm);
    expect(ppmToPercent(ppm)).toBe(percent);
  });

  test.each(['100.0001', '-1', '1e2', '15.12345', '', 'abc', '15,5'])('%p is not a rate', (text) => {
    expect(percentToPpm(text)).toBeNull();
  });
});
