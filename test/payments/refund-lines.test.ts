// The rounding rule of a refund of lines (src/payments/refund-lines.ts): each unit's share of the
// line's goods, discount and (when added on top) tax, rounded half to even cumulatively, so the
// parts always add up to the line as sold.
import { lineRefundMinor, type SoldLine } from '../../src/payments/refund-lines.js';

const line = (fields: Partial<SoldLine> & Pick<SoldLine, 'quantity' | 'lineTotalMinor'>): SoldLine => ({
  id: 'line',
  variantId: null,
  refundedQuantity: 0,
  discountMinor: 0,
  taxMinor: 0,
  ...fields,
});

// 6 glasses at 10.00 with 5.00 off the line (a fixed code) and 15% tax on the rest added on top: 8.25
const glasses = line({ quantity: 6, lineTotalMinor: 6000, discountMinor: 500, taxMinor: 825 });

describe('what a refund of order lines gives back', () => {
  test.each([
    // [case, line, units refunded before, units now, tax included, expected]
    ['1 of 6 glasses, discounted, tax on top: 1000 - 83 (83.33) + 138 (137.5 half to even)', glasses, 0, 1, false, 1055],
    ['the 2nd of them: 1000 - (167 - 83) + (275 - 138)', { ...glasses, refundedQuantity: 1 }, 1, 1, false, 1053],
    ['all 6 at once: the line as sold, 6000 - 500 + 825', glasses, 0, 6, false, 6325],
    ['the last 4 after 2: what is left of the line', { ...glasses, refundedQuantity: 2 }, 2, 4, false, 6325 - 1055 - 1053],
    ['1 of 6 with the tax inside the prices: no tax added', glasses, 0, 1, true, 917],
    ['1 of 3 at 3.33, 1.00 off (33.33): 333 - 33', line({ quantity: 3, lineTotalMinor: 999, discountMinor: 100 }), 0, 1, false, 300],
    ['the 2nd of 3: 333 - (67 - 33)', line({ quantity: 3, lineTotalMinor: 999, discountMinor: 100, refundedQuantity: 1 }), 1, 1, false, 299],
    ['the 3rd of 3: 333 - (100 - 67)', line({ quantity: 3, lineTotalMinor: 999, discountMinor: 100, refundedQuantity: 2 }), 2, 1, false, 300],
    ['1 of 2, 1.50 off 3.00 (75 each, exact)', line({ quantity: 2, lineTotalMinor: 300, discountMinor: 150 }), 0, 1, false, 75],
    ['1 of 4, 0.02 off (0.5: half to even gives 0)', line({ quantity: 4, lineTotalMinor: 400, discountMinor: 2 }), 0, 1, false, 100],
    ['the 2nd of those 4 (1.0 - 0.5 rounded: 1 - 0)', line({ quantity: 4, lineTotalMinor: 400, discountMinor: 2, refundedQuantity: 1 }), 1, 1, false, 99],
    ['a line wholly discounted gives nothing back', line({ quantity: 2, lineTotalMinor: 500, discountMinor: 500 }), 0, 1, false, 0],
    ['a single unit: the line', line({ quantity: 1, lineTotalMinor: 1250, discountMinor: 125, taxMinor: 169 }), 0, 1, false, 1294],
  ] as const)('%s', (_case, sold, before, units, taxIncluded, expected) => {
    expect(sold.refundedQuantity).toBe(before);

    expect(lineRefundMinor(sold, units, taxIncluded)).toBe(expected);
  });

  test('when a line is refunded one unit at a time, then the parts add up to refunding it at once, for every split', () => {
    for (const sold of [glasses, line({ quantity: 7, lineTotalMinor: 7 * 333, discountMinor: 101, taxMinor: 337 })]) {
      let refunded = 0;
      let total = 0;
      for (let unit = 0; unit < sold.quantity; unit++) {
        total += lineRefundMinor({ ...sold, refundedQuantity: refunded }, 1, false);
        refunded += 1;
      }

      expect(total).toBe(lineRefundMinor(sold, sold.quantity, false));
      expect(total).toBe(sold.lineTotalMinor - sold.discountMinor + sold.taxMinor);
    }
  });
});
