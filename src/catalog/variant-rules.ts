// The rules for a product's options and variants, shared by the staff panel and any staff API:
// the database's CHECKs and unique indexes (migration 20261201000000_variants), plus what only
// the application can check (a variant's option values against its product's options).
// Inputs may come from a form (strings) or JSON (numbers, booleans): both are accepted.
import { z } from 'zod';
import { fullTitle } from './variant-title.js';

/** What the rules need to know of a product's options: in position order, each with its values in order. */
export type OptionSpec = { name: string; values: string[] };

export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_MINOR = 2_000_000_000; // below PostgreSQL's integer limit

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `at most ${max} characters`);

/** A whole, non-negative number (minor units, stock, a position), typed in a form or sent as JSON. */
export const wholeNumber = (meaning: string) =>
  z
    .preprocess(
      (v) => (typeof v === 'number' ? String(v) : v),
      z
        .string({ error: `${meaning} is required` })
        .trim()
        .min(1, `${meaning} is required`)
        .regex(/^-?\d+$/, `${meaning} as a whole number`),
    )
    .transform(Number)
    .pipe(z.number().min(0, 'cannot be negative').max(MAX_MINOR, 'is too large'));

/** '' (a cleared form field) and null both mean "none". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === undefined ? null : v), schema.nullable());

/** true or false, typed in a form or a CSV cell ('true', 'false') or sent as JSON. */
export const flagRule = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ error: 'true or false' }));

export const skuRule = text(64).regex(SKU_PATTERN, 'letters, digits, dot, dash and underscore, starting with a letter or digit');
export const priceRule = wholeNumber('the price in minor units (cents)');
export const stockRule = wholeNumber('the stock');
export const positionRule = wholeNumber('the position');
/** A variant's own low-stock threshold; empty: the store's. */
export const lowStockThresholdRule = optional(wholeNumber('the low-stock threshold'));
export const imageUrlRule = optional(z.url({ protocol: /^https?$/, error: 'a full http(s) address' }).max(2000));

/** A variant's own fields, without its option values (those depend on the product: optionValuesRule). */
export const variantFieldsRules = z
  .object({
    sku: skuRule,
    priceMinor: priceRule,
    compareAtPriceMinor: optional(wholeNumber('the compare-at price in minor units (cents)')),
    stock: stockRule,
    active: flagRule.default(true),
    position: z.preprocess((v) => (v === '' || v === null ? undefined : v), positionRule.default(0)),
    imageUrl: imageUrlRule.default(null),
  })
  .superRefine((v, ctx) => {
    if (v.compareAtPriceMinor !== null && v.compareAtPriceMinor <= v.priceMinor) {
      ctx.addIssue({ code: 'custom', path: ['compareAtPriceMinor'], message: 'must be more than the price (or left empty)' });
    }
  });

export type VariantFields = z.output<typeof variantFieldsRules>;
/** A variant's own columns as stored, but its image: what an import reads and writes, and the panel lists. */
export type StoredVariantFields = Omit<VariantFields, 'imageUrl'> & { optionValues: Record<string, string> };

/**
 * A variant's option values for a product with these options: exactly one value per option,
 * each among that option's values, and no other keys ({} for a product without options).
 */
export function optionValuesRule(options: OptionSpec[]) {
  return z.record(z.string(), z.unknown(), { error: 'an object of option name to value' }).superRefine((given, ctx) => {
    const names = new Set(options.map((o) => o.name));
    for (const key of Object.keys(given)) {
      if (!names.has(key)) {
        const known = options.length ? `its options are ${options.map((o) => o.name).join(', ')}` : 'it has no options';
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} is not an option of this product (${known})` });
      }
    }
    for (const option of options) {
      const value = given[option.name];
      if (value === undefined || value === null || value === '') {
        ctx.addIssue({ code: 'custom', path: [option.name], message: `choose a ${option.name}: ${option.values.join(', ')}` });
      } else if (typeof value !== 'string' || !option.values.includes(value)) {
        ctx.addIssue({ code: 'custom', path: [option.name], message: `${option.name} must be one of ${option.values.join(', ')}` });
      }
    }
  }) as unknown as z.ZodType<Record<string, string>>;
}

/** Two combinations are the same whatever the order of their keys (as jsonb equality). */
export function sameCombination(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** An option's values from a form ("S, M, L") or JSON (["S", "M", "L"]), trimmed, in the order given. */
const optionValuesList = z
  .preprocess(
    (v) => (typeof v === 'string' ? v.split(',') : v),
    z.array(z.string({ error: 'each value is text' }).trim().max(100, 'each value: at most 100 characters'), { error: 'a list of values, e.g. S, M, L' }),
  )
  .transform((values) => values.filter((v) => v !== ''))
  .superRefine((values, ctx) => {
    if (values.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one value, e.g. S, M, L' });
    const seen = new Map<string, string>();
    for (const value of values) {
      const key = value.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `${value} is listed twice` });
      seen.set(key, value);
    }
  });

/** An option: a name (unique per product: the database's index), at least one value, no value twice. */
export const optionRules = z.object({
  name: text(50).refine((n) => !n.includes('.'), 'no dots in an option name'),
  values: optionValuesList,
  position: z.preprocess((v) => (v === '' || v === null ? undefined : v), positionRule.default(0)),
});

export type OptionFields = z.output<typeof optionRules>;

/** The values an edit would remove that variants still use, in the option's order. */
export function removedValuesInUse(before: string[], after: string[], used: Iterable<string>): string[] {
  const inUse = new Set(used);
  return before.filter((v) => !after.includes(v) && inUse.has(v));
}

/** "M / Red": the option values in the options' position order; null for a product without options (as variantTitleSql). */
export function variantTitle(options: OptionSpec[], optionValues: Record<string, string>): string | null {
  const parts = options.map((o) => optionValues[o.name]).filter((v): v is string => typeof v === 'string' && v !== '');
  return parts.length ? parts.join(' / ') : null;
}

/** "T-shirt — M / Red", or just the product's title without options. */
export function fullVariantTitle(productTitle: string, options: OptionSpec[], optionValues: Record<string, string>): string {
  return fullTitle(productTitle, variantTitle(options, optionValues));
}
