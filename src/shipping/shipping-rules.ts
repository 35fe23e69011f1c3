// The rules for shipping zones, methods and carriers as staff write them: the database's CHECKs
// (migration 20261202010000_shipping_and_tax) plus what only the application checks (real
// ISO 3166-1 country codes). Inputs may come from a form (strings) or JSON: both are accepted.
import countries from 'i18n-iso-countries';
import { z } from 'zod';
import { wholeNumber } from '../catalog/variant-rules.js';

const text = (max: number) => z.string({ error: 'is required' }).trim().min(1, 'is required').max(max, `at most ${max} characters`);

/** '' (a cleared form field), undefined and null all mean "none". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === undefined ? null : v), schema.nullable());

const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ error: 'true or false' }));
const uuid = (message: string) => z.uuid({ error: message });

export const isCountryCode = (code: string) => /^[A-Z]{2}$/.test(code) && countries.isValid(code);

/** One ISO 3166-1 alpha-2 code, upper-cased: "bd" -> "BD". */
export const countryCode = z
  .string({ error: 'is required' })
  .trim()
  .toUpperCase()
  .refine(isCountryCode, 'is not an ISO 3166-1 alpha-2 country code, e.g. BD or US');

/** A zone's countries from a form ("BD, in") or JSON (["BD", "IN"]): upper-cased, each a real code, none twice. */
export const countryList = z
  .preprocess(
    (v) => (typeof v === 'string' ? v.split(/[\s,;]+/) : v),
    z.array(z.string({ error: 'each country is a code like BD' }), { error: 'a list of country codes, e.g. BD, IN' }),
  )
  .transform((codes) => codes.map((c) => c.trim().toUpperCase()).filter((c) => c !== ''))
  .superRefine((codes, ctx) => {
    if (codes.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one country code, e.g. BD, IN' });
    const unknown = codes.filter((c) => !isCountryCode(c));
    if (unknown.length) {
      const list = [...new Set(unknown)].join(', ');
      ctx.addIssue({
        code: 'custom',
        message: `${list} ${unknown.length > 1 ? 'are not ISO 3166-1 alpha-2 codes' : 'is not an ISO 3166-1 alpha-2 code'} (e.g. BD, IN, US)`,
      });
    }
    const twice = codes.filter((c, i) => codes.indexOf(c) !== i);
    if (twice.length) ctx.addIssue({ code: 'custom', message: `${[...new Set(twice)].join(', ')} listed twice` });
  });

export const zoneRules = z.object({
  name: text(100),
  countries: countryList,
});

const money = (meaning: string) => wholeNumber(`${meaning} in minor units (cents)`);
const days = (meaning: string) => wholeNumber(meaning).pipe(z.number().max(365, 'at most 365 days'));

/**
 * A shipping method: its zone (required) and carrier (optional), its price, the free-shipping
 * threshold and subtotal bounds (all non-negative minor units, the maximum not below the
 * minimum), delivery days (the maximum not below the minimum) and cash on delivery.
 */
export const methodRules = z
  .object({
    zone: uuid('Choose the zone this method ships to'),
    carrier: optional(uuid('Choose a carrier from the list, or none')),
    name: text(100),
    priceMinor: money('the price'),
    freeOverMinor: optional(money('the free-shipping threshold')),
    minSubtotalMinor: optional(money('the minimum subtotal')),
    maxSubtotalMinor: optional(money('the maximum subtotal')),
    minDeliveryDays: optional(days('the fewest delivery days')),
    maxDeliveryDays: optional(days('the most delivery days')),
    codEnabled: flag.default(false),
    codFeeMinor: z.preprocess((v) => (v === '' || v === null || v === undefined ? '0' : v), money('the cash-on-delivery fee')),
    active: flag.default(true),
    position: z.preprocess((v) => (v === '' || v === null || v === undefined ? '0' : v), wholeNumber('the position')),
  })
  .superRefine((m, ctx) => {
    if (m.maxSubtotalMinor !== null && m.minSubtotalMinor !== null && m.maxSubtotalMinor < m.minSubtotalMinor) {
      ctx.addIssue({ code: 'custom', path: ['maxSubtotalMinor'], message: 'cannot be below the minimum subtotal' });
    }
    if (m.maxDeliveryDays !== null && m.minDeliveryDays !== null && m.maxDeliveryDays < m.minDeliveryDays) {
      ctx.addIssue({ code: 'custom', path: ['maxDeliveryDays'], message: 'cannot be fewer than the fewest delivery days' });
    }
    if (!m.codEnabled && m.codFeeMinor > 0) {
      ctx.addIssue({ code: 'custom', path: ['codFeeMinor'], message: 'a cash-on-delivery fee needs cash on delivery enabled (or set the fee to 0)' });
    }
  });

export type MethodFields = z.output<typeof methodRules>;

export const TRACKING_PLACEHOLDER = '{tracking}';

/** A carrier's tracking link: an http(s) address with {tracking} where the number goes. */
export const trackingUrlTemplate = z
  .string()
  .trim()
  .max(2000, 'at most 2000 characters')
  // a lower-case scheme, as the database's CHECK (~ '^https?://') has it
  .refine(
    (t) => /^https?:\/\//.test(t) && URL.canParse(t.replaceAll(TRACKING_PLACEHOLDER, 'X')),
    'a full http(s) address, e.g. https://track.example/?n={tracking}',
  )
  .refine((t) => t.includes(TRACKING_PLACEHOLDER), `must contain ${TRACKING_PLACEHOLDER} where the tracking number goes`);

export const carrierRules = z.object({
  name: text(100),
  trackingUrlTemplate: optional(trackingUrlTemplate),
});
