import { z } from 'zod';

export const SORTS = ['newest', 'price_asc', 'price_desc', 'title'] as const;
export type Sort = (typeof SORTS)[number];

// Query strings arrive as text: accept plain digits only, so "1.5", "1e3", " 7" and "-1" are refused.
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

// option.Size=M, or option[Size]=M (OpenAPI's deepObject style, what client generators send)
const OPTION_FILTER = /^option(?:\.(.*)|\[(.*)\])$/s;

/** Moves the option filter parameters into one `option` field: {Name: value or [values]}. */
function gatherOptionFilters(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const rest: Record<string, unknown> = {};
  const option: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const filter = OPTION_FILTER.exec(key);
    if (filter) option[filter[1] ?? filter[2]] = value;
    else rest[key] = value;
  }
  return Object.keys(option).length ? { ...rest, option } : rest;
}

const optionValue = z.string().min(1).max(100);
// option.Colour=Red&option.Colour=Blue matches either colour; different options must all match.
const optionFilters = z
  .record(
    z.string().min(1, 'names an option, e.g. option.Size').max(100),
    z.union([optionValue, z.array(optionValue).min(1).max(20)]).transform((v) => (Array.isArray(v) ? v : [v])),
  )
  .refine((filters) => Object.keys(filters).length <= 5, 'at most 5 option filters');

const listQuery = z
  .strictObject({
    limit: wholeNumber(1, 100).default(20),
    cursor: z.string().min(1).max(4096).optional(), // it carries a title when sorting by title
    sort: z.enum(SORTS).default('newest'),
    category: z.string().min(1).max(200).optional(),
    q: z.string().trim().min(1).max(100).optional(),
    minPrice: wholeNumber(0, 2_147_483_647).optional(),
    maxPrice: wholeNumber(0, 2_147_483_647).optional(),
    inStock: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    option: optionFilters.optional(),
  })
  .refine((query) => query.minPrice === undefined || query.maxPrice === undefined || query.minPrice <= query.maxPrice, {
    path: ['maxPrice'],
    message: 'must not be below minPrice',
  });

/** The listing's query string; variant filters (price, stock, options) match when one active variant matches them all. */
export const productListQuery = z.preprocess(gatherOptionFilters, listQuery);

export type ProductListQuery = z.infer<typeof listQuery>;

export const productRef = z.object({ idOrSlug: z.string().min(1).max(200) });
export const categoryRef = z.object({ slug: z.string().min(1).max(200) });
