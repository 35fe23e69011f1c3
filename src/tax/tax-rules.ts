// The rules for tax rates and the store's tax settings as staff write them: the database's
// CHECKs (migration 20261202010000_shipping_and_tax). Rates are typed as a percent with up to
// four decimals and stored in parts per million (tax-math.ts).
import { z } from 'zod';
import { countryCode } from '../shipping/shipping-rules.js';
import { percentToPpm } from './tax-math.js';

const text = (max: number) => z.string({ error: 'is required' }).trim().min(1, 'is required').max(max, `at most ${max} characters`);
const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ error: 'true or false' }));

/** "8.875" (percent) -> 88_750 ppm: 0 to 100, at most four decimals. */
export const ratePercent = z
  .preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string({ error: 'is required' }).trim().min(1, 'is required'))
  .transform((text, ctx) => {
    const ppm = percentToPpm(text.replace(/%$/, '').trim());
    if (ppm === null) {
      ctx.addIssue({ code: 'custom', message: 'a percent from 0 to 100 with at most 4 decimals, e.g. 15 or 8.875' });
      return z.NEVER;
    }
    return ppm;
  });

export const taxRateRules = z.object({
  name: text(100),
  country: countryCode,
  /** a region of the country (e.g. NY); empty: the whole country */
  region: z
    .preprocess((v) => (v === '' || v === undefined ? null : v), z.string().trim().max(100, 'at most 100 characters').nullable())
    .transform((v) => v || null),
  ratePercent,
});

export const storeSettingsRules = z.object({
  pricesIncludeTax: flag,
  taxShipping: flag,
});
